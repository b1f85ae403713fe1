import Foundation

/// Built programs of one context, keyed by device, driver version, source hash and build options
/// (after CLBlast's `ProgramCache`). In-process only; PoCL adds its own on-disk cache.
///
/// `@unchecked Sendable`: the dictionary is only touched under `lock`.
final class ProgramCache: @unchecked Sendable {
  struct Key: Hashable {
    var device: String
    var driver: String
    var sourceHash: UInt64
    var options: String
  }

  private let lock = NSLock()
  private var programs: [Key: CLProgram] = [:]

  /// The cached program for `source`, building it on first use.
  func program(context: CLContext, info: OpenCLDeviceInfo, name: String, source: String, options: String)
    throws -> CLProgram {
    let key = Key(device: info.name, driver: info.driverVersion, sourceHash: Self.fnv1a(source), options: options)
    return try lock.withLock {
      if let p = programs[key] { return p }
      let p = try CLProgram(context: context, name: name, source: source, options: options, deviceName: info.name)
      programs[key] = p
      return p
    }
  }

  /// Number of distinct programs built so far.
  var count: Int { lock.withLock { programs.count } }

  /// 64-bit FNV-1a of the UTF-8 bytes: stable across runs (unlike `Hasher`).
  static func fnv1a(_ s: String) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
    return h
  }
}
