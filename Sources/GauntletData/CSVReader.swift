import GauntletCore

/// A numeric table read from CSV: `rowCount × columnCount` values, row-major.
public struct CSVTable: Sendable, Equatable {
  /// Column names when the file had a header line.
  public var header: [String]?
  /// Data rows (the header and blank lines excluded).
  public var rowCount: Int
  /// Fields per row.
  public var columnCount: Int
  /// `rowCount × columnCount` values, row-major.
  public var values: [Float]

  public init(header: [String]?, rowCount: Int, columnCount: Int, values: [Float]) {
    self.header = header; self.rowCount = rowCount; self.columnCount = columnCount; self.values = values
  }
}

/// Reads numeric CSV: comma-separated numbers, one sample per line, an optional header line,
/// `\n` or `\r\n` line ends, blank lines skipped, fields optionally wrapped in spaces or double
/// quotes. Every row must have the same number of columns; every value must be a finite number.
///
/// ```swift
/// let iris = try CSVReader.dataset(path: "iris.csv", label: .last, header: true)
/// ```
public enum CSVReader {
  /// Where the class label is.
  public enum LabelColumn: String, Sendable { case first, last }

  /// Reads and parses the file at `path`.
  public static func read(path: String, header: Bool = false) throws -> CSVTable {
    try parse(FileBytes.read(path), path: path, header: header)
  }

  /// Parses CSV `bytes`; `path` names the source in errors. With `header`, the first non-blank
  /// line holds column names.
  public static func parse(_ bytes: [UInt8], path: String, header: Bool = false) throws -> CSVTable {
    let fail = { (d: String) in GauntletError.malformedFile(path: path, detail: d) }
    var names: [String]?
    var columns = -1
    var rows = 0
    var values: [Float] = []
    var line = 0
    var start = 0
    while start < bytes.count {
      var end = start
      while end < bytes.count, bytes[end] != 0x0A { end += 1 }
      line += 1
      var stop = end
      if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
      let text = bytes[start ..< stop]
      start = end + 1
      if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
      let fields = text.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(trim)
      if header && names == nil {
        names = fields.map { String(decoding: $0, as: UTF8.self) }
        columns = fields.count
        continue
      }
      if columns < 0 { columns = fields.count }
      guard fields.count == columns else {
        throw fail("line \(line) has \(fields.count) columns, expected \(columns) like the first line")
      }
      for (c, f) in fields.enumerated() {
        let s = String(decoding: f, as: UTF8.self)
        guard let v = Float(s) else {
          let hint = line == 1 && !header ? "; if the first line is a header, pass header: true (spec: ',header')" : ""
          throw fail("line \(line) column \(c + 1): '\(s.prefix(40))' is not a number\(hint)")
        }
        guard v.isFinite else { throw fail("line \(line) column \(c + 1): non-finite value '\(s)'") }
        values.append(v)
      }
      rows += 1
    }
    guard rows > 0 else { throw fail("no data rows") }
    return CSVTable(header: names, rowCount: rows, columnCount: columns, values: values)
  }

  /// A dataset from a CSV table whose label column is `label`; the other columns are features
  /// (`sampleShape == [columns − 1]`). Labels must be integers ≥ 0; `classCount` is the largest
  /// label + 1.
  public static func dataset(path: String, label: LabelColumn = .last, header: Bool = false,
                             name: String? = nil) throws -> Dataset {
    let table = try read(path: path, header: header)
    return try dataset(table, label: label, path: path, name: name ?? path)
  }

  /// Splits `table` into features and labels.
  public static func dataset(_ table: CSVTable, label: LabelColumn, path: String, name: String) throws -> Dataset {
    guard table.columnCount >= 2 else {
      throw GauntletError.malformedFile(path: path, detail: "needs a label column and at least one feature column, found \(table.columnCount) column(s)")
    }
    guard table.rowCount >= 0, let n = ShapeMath.bytes(table.rowCount, table.columnCount), n == table.values.count else {
      throw GauntletError.shapeMismatch(operation: "CSVReader.dataset",
                                        detail: "\(table.values.count) values for \(table.rowCount) rows × \(table.columnCount) columns")
    }
    let labelColumn = label == .first ? 0 : table.columnCount - 1
    var features: [Float] = []
    features.reserveCapacity(table.rowCount * (table.columnCount - 1))
    var labelValues: [Float] = []
    for r in 0 ..< table.rowCount {
      for c in 0 ..< table.columnCount {
        let v = table.values[r * table.columnCount + c]
        if c == labelColumn { labelValues.append(v) } else { features.append(v) }
      }
    }
    let labels = try LabelCoding.labels(labelValues, path: path, what: "label column (\(label.rawValue))")
    return try Dataset(name: name, features: features, labels: labels, sampleShape: [table.columnCount - 1],
                       classCount: LabelCoding.classCount(labels))
  }

  static func trim(_ f: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var s = f
    while let c = s.first, c == 0x20 || c == 0x09 { s = s.dropFirst() }
    while let c = s.last, c == 0x20 || c == 0x09 { s = s.dropLast() }
    if s.count >= 2, s.first == 0x22, s.last == 0x22 { s = s.dropFirst().dropLast() }
    return s
  }
}

/// Turning stored label values into class indices.
enum LabelCoding {
  /// Largest class count accepted from a file (guards against a stray huge label).
  static let maxClasses = 1 << 16

  static func labels(_ values: [Float], path: String, what: String) throws -> [Int32] {
    var out: [Int32] = []
    out.reserveCapacity(values.count)
    for (i, v) in values.enumerated() {
      guard v.isFinite, v == v.rounded(), v >= 0, v < Float(maxClasses) else {
        throw GauntletError.malformedFile(
          path: path, detail: "\(what): label \(v) at sample \(i) is not a class index (an integer in 0..<\(maxClasses))")
      }
      out.append(Int32(v))
    }
    return out
  }

  static func classCount(_ labels: [Int32]) -> Int { Int(labels.max() ?? 0) + 1 }
}
