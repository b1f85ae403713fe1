import GauntletCore

/// Built-in datasets and loading by spec string.
public enum Datasets {
  /// Seed of `digitsTrainTest()`'s split.
  public static let digitsSplitSeed: UInt64 = 20_240_601

  private static let digitsCache: Result<Dataset, Error> = Result {
    let (pixels, labels) = try DigitsDecoder.decode()
    return try Dataset(name: "digits", features: pixels.map { Float($0) / Float(DigitsData.maxPixel) },
                       labels: labels.map(Int32.init), sampleShape: [1, DigitsData.side, DigitsData.side], classCount: 10)
  }

  /// The UCI optical-recognition handwritten digits (Alpaydin & Kaynak, 1998; scikit-learn's
  /// `load_digits`), embedded in the binary: 1797 images of 8×8 pixels scaled to [0, 1]
  /// (pixel / 16), `sampleShape` `[1, 8, 8]`, 10 classes, in scikit-learn's order.
  ///
  /// ```swift
  /// let digits = try Datasets.digits()   // digits.count == 1797, digits.featureCount == 64
  /// ```
  public static func digits() throws -> Dataset { try digitsCache.get() }

  /// `digits()` split 80/20, stratified, with `digitsSplitSeed`: 1438 train, 359 test samples.
  public static func digitsTrainTest() throws -> (train: Dataset, test: Dataset) {
    try digits().split(testFraction: 0.2, seed: digitsSplitSeed, stratified: true)
  }

  /// A dataset named by `spec`:
  /// - `digits` — the embedded digits;
  /// - `idx:IMAGES,LABELS` — IDX files (MNIST layout); u8 pixels are scaled to [0, 1] (/255);
  /// - `csv:PATH[,label=last|first][,header]` — numeric CSV, label column last by default;
  /// - `npy:FEATURES.npy,LABELS.npy` — features `[N, …]`, integer-valued labels `[N]`;
  ///   u8 features are scaled to [0, 1] (/255);
  /// - `npz:PATH[,features=KEY][,labels=KEY]` — an `np.savez` archive, keys `x`/`y` by default;
  ///   u8 features are scaled to [0, 1] (/255);
  ///
  /// Per-sample shapes of rank 2 (`[H, W]`) gain a channel: `[1, H, W]`. `classCount` is the
  /// largest label + 1 for file datasets. Paths may not contain commas.
  public static func load(_ spec: String) throws -> Dataset {
    let (kind, rest) = splitSpec(spec)
    let parts = rest.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmed }
    func bad(_ detail: String) -> GauntletError { .invalidArgument(name: "dataset", detail: "'\(spec)': \(detail)") }
    switch kind {
    case "digits":
      guard rest.isEmpty else { throw bad("'digits' takes no arguments") }
      return try digits()
    case "idx":
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw bad("expected idx:IMAGES,LABELS") }
      let x = try IDXReader.parseTyped(FileBytes.read(parts[0]), path: parts[0])
      let y = try IDXReader.parseTyped(FileBytes.read(parts[1]), path: parts[1])
      return try assemble(spec, x.shape, x.kind, x.values, y.shape, y.values, parts[0], parts[1])
    case "npy":
      guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw bad("expected npy:FEATURES.npy,LABELS.npy") }
      let x = try NPYReader.parseTyped(FileBytes.read(parts[0]), path: parts[0])
      let y = try NPYReader.parseTyped(FileBytes.read(parts[1]), path: parts[1])
      return try assemble(spec, x.shape, x.kind, x.values, y.shape, y.values, parts[0], parts[1])
    case "npz":
      guard let path = parts.first, !path.isEmpty else { throw bad("expected npz:PATH[,features=KEY][,labels=KEY]") }
      var fk = "x", lk = "y"
      for opt in parts.dropFirst() {
        if opt.hasPrefix("features=") { fk = String(opt.dropFirst(9)) } else if opt.hasPrefix("labels=") { lk = String(opt.dropFirst(7)) } else { throw bad("unknown option '\(opt)'") }
      }
      let arrays = try NPZReader.parseTyped(FileBytes.read(path), path: path)
      guard let x = arrays[fk], let y = arrays[lk] else {
        throw GauntletError.malformedFile(path: path, detail: "needs arrays '\(fk)' and '\(lk)', has \(arrays.keys.sorted()); name them with features=/labels=")
      }
      return try assemble(spec, x.shape, x.kind, x.values, y.shape, y.values, "\(path)[\(fk)]", "\(path)[\(lk)]")
    case "csv":
      guard let path = parts.first, !path.isEmpty else { throw bad("expected csv:PATH[,label=last|first][,header]") }
      var label = CSVReader.LabelColumn.last, header = false
      for opt in parts.dropFirst() {
        switch opt {
        case "header": header = true
        case "label=last": label = .last
        case "label=first": label = .first
        default: throw bad("unknown option '\(opt)' (use label=last, label=first or header)")
        }
      }
      return try CSVReader.dataset(path: path, label: label, header: header, name: spec)
    default:
      throw bad("unknown kind '\(kind)'; use digits, idx:, csv:, npy: or npz:")
    }
  }

  private static func splitSpec(_ spec: String) -> (String, String) {
    guard let colon = spec.firstIndex(of: ":") else { return (spec.trimmed, "") }
    return (String(spec[..<colon]).trimmed, String(spec[spec.index(after: colon)...]))
  }

  /// Features `[N, …]` plus labels `[N]` (or `[N, 1]`) into a dataset.
  static func assemble(_ name: String, _ xs: [Int], _ xKind: ElementKind, _ xv: [Float],
                       _ ys: [Int], _ yv: [Float], _ xPath: String, _ yPath: String) throws -> Dataset {
    guard let n = xs.first, xs.count >= 2 else {
      throw GauntletError.malformedFile(path: xPath, detail: "features need shape [samples, …], got \(xs)")
    }
    guard ys.first == n, ys.dropFirst().allSatisfy({ $0 == 1 }) else {
      throw GauntletError.malformedFile(path: yPath, detail: "labels have shape \(ys), expected [\(n)] to match \(n) feature rows")
    }
    var sample = Array(xs.dropFirst())
    if sample.count == 2 { sample.insert(1, at: 0) }
    guard sample.allSatisfy({ $0 > 0 }) else {
      throw GauntletError.malformedFile(path: xPath, detail: "empty sample shape \(Array(xs.dropFirst()))")
    }
    let features = xKind == .uint8 ? xv.map { $0 / 255 } : xv
    let labels = try LabelCoding.labels(yv, path: yPath, what: "labels")
    return try Dataset(name: name, features: features, labels: labels, sampleShape: sample,
                       classCount: LabelCoding.classCount(labels))
  }
}

extension String {
  var trimmed: String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s = s.dropFirst() }
    while s.last?.isWhitespace == true { s = s.dropLast() }
    return String(s)
  }
}
