/// A finished cell as stored in its file and in `results.json`. Everything but `timing` is
/// deterministic for a fixed configuration, backend and machine.
public struct CellResult: Sendable, Hashable, Codable {
  public var cell: PlannedCell
  /// Attack label (nil for cost cells).
  public var attack: String?
  /// The exact attack or defense spec that ran.
  public var spec: String
  /// Device name of the backend (`cpu`, `opencl:…`).
  public var device: String
  public var metrics: [String: Double]
  public var curve: [CurvePoint]
  public var images: ImageTriples?
  public var timing: Timing

  /// Wall time of the cell and oracle/gradient rows it used.
  public struct Timing: Sendable, Hashable, Codable {
    public var seconds: Double
    public var rows: Int
    public var rowsPerSecond: Double { seconds > 0 ? Double(rows) / seconds : 0 }
    public init(seconds: Double, rows: Int) { self.seconds = seconds; self.rows = rows }
  }

  public init(cell: PlannedCell, attack: String?, spec: String, device: String, metrics: [String: Double],
              curve: [CurvePoint], images: ImageTriples?, timing: Timing) {
    self.cell = cell; self.attack = attack; self.spec = spec; self.device = device; self.metrics = metrics
    self.curve = curve; self.images = images; self.timing = timing
  }
}
