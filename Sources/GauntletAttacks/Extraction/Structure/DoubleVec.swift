/// Small dense helpers on host vectors (Double).
enum DoubleVec {
  static func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<Swift.min(a.count, b.count) { s += a[i] * b[i] }
    return s
  }
  static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
  static func normalized(_ a: [Double]) -> [Double] {
    let n = norm(a)
    return n > 0 ? a.map { $0 / n } : a
  }
  static func cosine(_ a: [Double], _ b: [Double]) -> Double {
    let na = norm(a), nb = norm(b)
    return na > 0 && nb > 0 ? dot(a, b) / (na * nb) : 0
  }
  static func maxAbs(_ a: ArraySlice<Double>) -> Double { a.reduce(0) { Swift.max($0, Swift.abs($1)) } }
}
