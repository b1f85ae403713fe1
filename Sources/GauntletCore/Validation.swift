/// Argument checks shared by every backend, so that each rejects the same bad input with the same
/// typed error before touching memory.
public enum Validate {
  /// `buffer` belongs to `backend` and holds at least `count` elements (`count ≥ 0`).
  @inlinable
  public static func buffer(_ buffer: DeviceBuffer, of backend: Backend, atLeast count: Int,
                            _ op: String, _ role: String = "buffer") throws {
    guard buffer.owner == ObjectIdentifier(backend) else {
      throw GauntletError.foreignBuffer(operation: op, expected: backend.name, got: String(describing: type(of: buffer)))
    }
    guard count >= 0 else {
      throw GauntletError.shapeMismatch(operation: op, detail: "negative count \(count) for \(role)")
    }
    guard buffer.count >= count else {
      throw GauntletError.shapeMismatch(operation: op, detail: "\(role) holds \(buffer.count) elements, needs \(count)")
    }
  }

  /// Non-negative sizes.
  @inlinable
  public static func sizes(_ op: String, _ values: (String, Int)...) throws {
    for (name, v) in values where v < 0 {
      throw GauntletError.shapeMismatch(operation: op, detail: "\(name) = \(v) is negative")
    }
  }

  /// Every value finite; reports the first offending index.
  @inlinable
  public static func finite(_ values: UnsafeBufferPointer<Float>, _ context: String) throws {
    for i in values.indices where !values[i].isFinite {
      throw GauntletError.nonFinite(context: context, index: i)
    }
  }

  /// Finite scalar parameter.
  @inlinable
  public static func finite(_ value: Float, _ name: String) throws {
    guard value.isFinite else {
      throw GauntletError.invalidArgument(name: name, detail: "must be finite, got \(value)")
    }
  }

  /// Indices all in `0..<bound`.
  @inlinable
  public static func indices(_ indices: [Int32], below bound: Int, _ op: String) throws {
    for (i, v) in indices.enumerated() where v < 0 || Int(v) >= bound {
      throw GauntletError.invalidArgument(name: "indices[\(i)]", detail: "\(v) is outside 0..<\(bound) in \(op)")
    }
  }

  /// Checks shared by `RowOp`s: `k` in `1...cols` for top-k, decimals in `0...8` for rounding.
  public static func rowOp(_ op: RowOp, cols: Int) throws {
    switch op {
    case let .topKMask(k) where k < 1 || k > cols:
      throw GauntletError.invalidArgument(name: "k", detail: "top-k needs 1 ≤ k ≤ cols (\(cols)), got \(k)")
    case let .round(d) where d < 0 || d > 8:
      throw GauntletError.invalidArgument(name: "decimals", detail: "rounding needs 0…8 decimals, got \(d)")
    default: return
    }
  }

  /// `epsilon ≥ 0`, `lo ≤ hi`, finite step.
  public static func projection(stepSize: Float, epsilon: Float, lo: Float, hi: Float) throws {
    try finite(stepSize, "stepSize")
    guard epsilon.isFinite, epsilon >= 0 else {
      throw GauntletError.invalidArgument(name: "epsilon", detail: "must be finite and ≥ 0, got \(epsilon)")
    }
    guard !lo.isNaN, !hi.isNaN, lo <= hi else {
      throw GauntletError.invalidArgument(name: "lo/hi", detail: "need lo ≤ hi, got [\(lo), \(hi)]")
    }
  }
}
