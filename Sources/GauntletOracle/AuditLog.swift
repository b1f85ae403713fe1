import Foundation
import GauntletCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of the audit log: one batch that reached the oracle.
public struct AuditRecord: Sendable, Hashable, Codable {
  public enum Outcome: String, Sendable, Hashable, Codable {
    /// Admitted, charged and answered.
    case answered
    /// Rejected by input validation (not charged).
    case rejected
    /// Refused by the budget or the rate limit (not charged).
    case refused
  }
  /// Oracle-wide sequence number (answered batches take it at admission; rejected and refused
  /// batches take one too). Under concurrency, lines may appear slightly out of order.
  public var sequence: Int
  public var client: String
  public var purpose: QueryPurpose
  public var rows: Int
  /// The client's index of the first row (answered batches); rows answered before, otherwise.
  public var firstQueryIndex: Int
  /// Simulated time.
  public var time: Double
  public var outcome: Outcome
  /// Why a batch was rejected or refused.
  public var detail: String?
  /// `RowHash` of each row, when the log was opened with `includeRowHashes`.
  public var rowHashes: [UInt64]?

  public init(sequence: Int, client: String, purpose: QueryPurpose, rows: Int, firstQueryIndex: Int, time: Double,
              outcome: Outcome, detail: String? = nil, rowHashes: [UInt64]? = nil) {
    self.sequence = sequence; self.client = client; self.purpose = purpose; self.rows = rows
    self.firstQueryIndex = firstQueryIndex; self.time = time; self.outcome = outcome
    self.detail = detail; self.rowHashes = rowHashes
  }
}

/// An append-only JSON-lines audit log of every batch that reaches an oracle.
///
/// Crash safety: each record is one line written with a single `write(2)` loop on an `O_APPEND`
/// descriptor, and a record counts only once its terminating newline is on disk. After a crash the
/// file may end in a torn line; `AuditLog.read` ignores it (recovering every complete record) and
/// reopening the log for appending truncates it first. `syncEachRecord` adds an `fsync` per record
/// (survives power loss, not just a process crash; slower).
///
/// ```swift
/// let log = try AuditLog(path: "queries.jsonl", includeRowHashes: true)
/// let oracle = try Oracle(model: victim, configuration: OracleConfiguration(auditLog: log))
/// // … later, even after a crash:
/// let records = try AuditLog.read(path: "queries.jsonl").records
/// ```
public final class AuditLog: @unchecked Sendable {
  // Safe: `fd` is written only under `lock`; `deinit` runs when no other reference exists.
  public let path: String
  public let includeRowHashes: Bool
  public let syncEachRecord: Bool
  private let lock = NSLock()
  private let fd: Int32
  private let encoder: JSONEncoder

  /// Opens (creating if needed) the log at `path` for appending; a torn last line is truncated away.
  public init(path: String, includeRowHashes: Bool = false, syncEachRecord: Bool = false) throws {
    self.path = path; self.includeRowHashes = includeRowHashes; self.syncEachRecord = syncEachRecord
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys]
    encoder = enc
    try AuditLog.repairTail(path)
    let d = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
    guard d >= 0 else {
      throw GauntletError.io(path: path, detail: "cannot open audit log for appending: \(String(cString: strerror(errno)))")
    }
    fd = d
  }

  deinit { close(fd) }

  /// Appends one record as one line.
  public func append(_ record: AuditRecord) throws {
    var data = try encoder.encode(record)
    data.append(0x0A)
    try lock.withLock {
      try data.withUnsafeBytes { raw in
        var off = 0
        while off < raw.count {
          let n = write(fd, raw.baseAddress! + off, raw.count - off)
          if n < 0 {
            if errno == EINTR { continue }
            throw GauntletError.io(path: path, detail: "audit log write failed: \(String(cString: strerror(errno)))")
          }
          off += n
        }
      }
      if syncEachRecord { _ = fsync(fd) }
    }
  }

  /// What `read` recovered.
  public struct Contents: Sendable {
    public var records: [AuditRecord]
    /// Bytes after the last complete record (a torn line), ignored.
    public var discardedBytes: Int
  }

  /// Reads every complete record. A torn final line (no newline, or a line that does not parse and
  /// is the last one) is skipped and counted in `discardedBytes`; a bad line in the middle is an error.
  public static func read(path: String) throws -> Contents {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw GauntletError.io(path: path, detail: "cannot read audit log")
    }
    let decoder = JSONDecoder()
    var records: [AuditRecord] = []
    var start = data.startIndex
    var discarded = 0
    while start < data.endIndex {
      guard let nl = data[start...].firstIndex(of: 0x0A) else {
        discarded = data.endIndex - start
        break
      }
      let line = data[start..<nl]
      if !line.isEmpty {
        do {
          records.append(try decoder.decode(AuditRecord.self, from: line))
        } catch {
          if nl + 1 == data.endIndex { discarded = data.endIndex - start; break }
          throw GauntletError.malformedFile(path: path, detail: "audit record at byte \(start - data.startIndex) does not parse: \(error)")
        }
      }
      start = nl + 1
    }
    return Contents(records: records, discardedBytes: discarded)
  }

  /// Truncates the file after its last newline (a torn record left by a crash).
  static func repairTail(_ path: String) throws {
    guard FileManager.default.fileExists(atPath: path),
          let data = FileManager.default.contents(atPath: path), !data.isEmpty, data.last != 0x0A else { return }
    let keep = (data.lastIndex(of: 0x0A).map { $0 + 1 } ?? data.startIndex) - data.startIndex
    guard truncate(path, off_t(keep)) == 0 else {
      throw GauntletError.io(path: path, detail: "cannot truncate torn audit record: \(String(cString: strerror(errno)))")
    }
  }
}
