import Foundation

/// Inline SVG charts for the HTML report, with no scripts or external files: line charts (curves),
/// scatter charts with labelled points (trade-offs) and grouped bar charts (throughput).
public struct SVGChart {
  public struct Series {
    public var name: String
    public var points: [CurvePoint]
    public init(name: String, points: [CurvePoint]) { self.name = name; self.points = points }
  }

  public enum Style { case lines, labelledPoints, bars }

  public var title: String
  public var xLabel: String
  public var yLabel: String
  public var series: [Series]
  public var style: Style
  /// Category names for `bars` (x = index).
  public var categories: [String] = []
  public var yRange: ClosedRange<Double>?

  public init(title: String, xLabel: String, yLabel: String, series: [Series], style: Style = .lines,
              categories: [String] = [], yRange: ClosedRange<Double>? = nil) {
    self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.style = style
    self.categories = categories; self.yRange = yRange
  }

  static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

  static func f(_ v: Double) -> String { String(format: "%.1f", v) }
  static func tick(_ v: Double) -> String {
    if v == v.rounded() && abs(v) < 1e7 { return String(Int(v)) }
    return abs(v) >= 100 ? String(format: "%.0f", v) : abs(v) >= 1 ? String(format: "%.2g", v) : String(format: "%.3g", v)
  }

  public func render(width: Double = 560, height: Double = 340) -> String {
    let left = 62.0, right = 16.0, top = 34.0, legendH = 18.0 * Double((series.count + 1) / 2), bottom = 46.0 + legendH
    let pw = width - left - right, ph = height - top - bottom
    let pts = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    var x0 = pts.map(\.x).min() ?? 0, x1 = pts.map(\.x).max() ?? 1
    if style == .bars { x0 = -0.5; x1 = Double(max(categories.count, 1)) - 0.5 }
    var y0 = yRange?.lowerBound ?? min(0, pts.map(\.y).min() ?? 0), y1 = yRange?.upperBound ?? (pts.map(\.y).max() ?? 1)
    if x1 <= x0 { x1 = x0 + 1 }
    if y1 <= y0 { y1 = y0 + 1 }
    if style == .labelledPoints {
      // Room for the labels; never below 0 when the data is not.
      let dx = (x1 - x0) * 0.1
      x0 = pts.allSatisfy { $0.x >= 0 } ? max(x0 - dx, 0) : x0 - dx
      x1 += dx * 2
    }
    func X(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * pw }
    func Y(_ v: Double) -> Double { top + ph - (v - y0) / (y1 - y0) * ph }
    var s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(esc(title))\">"
    s += "<rect x=\"0\" y=\"0\" width=\"\(Int(width))\" height=\"\(Int(height))\" fill=\"#fff\"/>"
    s += "<text x=\"\(f(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">\(esc(title))</text>"
    // Axes, grid and ticks.
    for i in 0...4 {
      let v = y0 + (y1 - y0) * Double(i) / 4
      s += "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(Y(v)))\" y2=\"\(f(Y(v)))\" stroke=\"#e5e5e5\"/>"
      s += "<text x=\"\(f(left - 6))\" y=\"\(f(Y(v) + 4))\" text-anchor=\"end\" font-size=\"11\">\(Self.tick(v))</text>"
    }
    if style == .bars {
      for (i, c) in categories.enumerated() {
        s += "<text x=\"\(f(X(Double(i))))\" y=\"\(f(top + ph + 16))\" text-anchor=\"middle\" font-size=\"11\">\(esc(c))</text>"
      }
    } else {
      for i in 0...4 {
        let v = x0 + (x1 - x0) * Double(i) / 4
        s += "<text x=\"\(f(X(v)))\" y=\"\(f(top + ph + 16))\" text-anchor=\"middle\" font-size=\"11\">\(Self.tick(v))</text>"
      }
    }
    s += "<line x1=\"\(f(left))\" x2=\"\(f(left + pw))\" y1=\"\(f(top + ph))\" y2=\"\(f(top + ph))\" stroke=\"#333\"/>"
    s += "<line x1=\"\(f(left))\" x2=\"\(f(left))\" y1=\"\(f(top))\" y2=\"\(f(top + ph))\" stroke=\"#333\"/>"
    s += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(top + ph + 34))\" text-anchor=\"middle\" font-size=\"12\">\(esc(xLabel))</text>"
    s += "<text transform=\"translate(14 \(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(esc(yLabel))</text>"
    // Data.
    let groups = Double(max(series.count, 1))
    for (k, se) in series.enumerated() {
      let color = Self.palette[k % Self.palette.count]
      let p = se.points.filter { $0.x.isFinite && $0.y.isFinite }
      switch style {
      case .lines:
        if p.count > 1 {
          s += "<polyline class=\"series\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\""
            + p.map { "\(f(X($0.x))),\(f(Y($0.y)))" }.joined(separator: " ") + "\"/>"
        }
        for q in p where p.count <= 12 { s += "<circle cx=\"\(f(X(q.x)))\" cy=\"\(f(Y(q.y)))\" r=\"3\" fill=\"\(color)\"/>" }
      case .labelledPoints:
        for q in p {
          s += "<circle class=\"series\" cx=\"\(f(X(q.x)))\" cy=\"\(f(Y(q.y)))\" r=\"5\" fill=\"\(color)\"/>"
          let right = X(q.x) > left + pw * 0.6
          s += "<text x=\"\(f(X(q.x) + (right ? -7 : 7)))\" y=\"\(f(Y(q.y) - 6))\" font-size=\"10\"\(right ? " text-anchor=\"end\"" : "")>\(esc(Self.short(se.name)))</text>"
        }
      case .bars:
        let bw = pw / Double(max(categories.count, 1)) * 0.8 / groups
        for q in p {
          let x = X(q.x) - bw * groups / 2 + bw * Double(k)
          s += "<rect class=\"series\" x=\"\(f(x))\" y=\"\(f(Y(q.y)))\" width=\"\(f(bw))\" height=\"\(f(max(0, Y(y0) - Y(q.y))))\" fill=\"\(color)\"/>"
        }
      }
      let lx = left + Double(k % 2) * pw / 2, ly = top + ph + 52 + 18 * Double(k / 2)
      s += "<rect x=\"\(f(lx))\" y=\"\(f(ly - 9))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
      s += "<text x=\"\(f(lx + 14))\" y=\"\(f(ly))\" font-size=\"11\"><title>\(esc(se.name))</title>\(esc(Self.short(se.name)))</text>"
    }
    return s + "</svg>"
  }

  func f(_ v: Double) -> String { Self.f(v) }

  /// Long names shortened for legends and point labels (the full name stays in a `<title>`).
  static func short(_ s: String, max: Int = 36) -> String { s.count <= max ? s : String(s.prefix(max - 1)) + "…" }
}

/// Escapes text for HTML and SVG.
func esc(_ s: String) -> String {
  s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
