import Foundation

/// `report.html`: one self-contained page (inline CSS, inline SVG charts, PNG grids as data URIs).
/// Charts: success vs queries per attack, robustness (accuracy vs ε), thief fidelity vs budget per
/// defense, protection vs honest-user cost per defense, and throughput per backend.
enum HTMLReport {
  /// The page, and the PNG grids to write next to it (file name → bytes).
  static func render(_ r: ExperimentResults) -> (html: String, images: [(String, [UInt8])]) {
    var charts: [String] = []
    let main = r.mainBackend
    let cells = r.attackCells(backend: main)
    let config = r.experiment
    // Cells that went through the oracle (white-box cells exist only under `none`).
    func blackBox(_ c: CellResult) -> Bool {
      guard let i = c.cell.attackIndex, i < config.attacks.count else { return false }
      return AttackRegistry.adapter(kind: config.attacks[i].kind)?.throughOracle(config.attacks[i].attack) ?? true
    }

    // 1. Success vs queries, one chart per attack entry with curves: one series per defense, at the
    //    entry's middle ε (all ε values are in results.json and the robustness chart).
    for (i, a) in config.attacks.enumerated() {
      let eps: Double? = a.eps.isEmpty ? nil : a.eps.sorted()[a.eps.count / 2]
      let mine = cells.filter { $0.cell.attackIndex == i && !$0.curve.isEmpty && $0.cell.variant?.seed == a.seeds.first
        && $0.cell.variant?.eps == eps }
      guard !mine.isEmpty else { continue }
      let series = mine.map { SVGChart.Series(name: $0.cell.defense, points: $0.curve) }
      charts.append(SVGChart(title: "\(a.label)\(eps.map { " (ε=\(SVGChart.tick($0)))" } ?? ""): success vs queries (\(main))",
                             xLabel: "queries per sample", yLabel: "success rate", series: series, yRange: 0...1).render())
    }
    // 2. Robustness: accuracy vs ε per attack entry, one series per defense.
    for (i, a) in config.attacks.enumerated() where a.eps.count > 1 {
      let mine = cells.filter { $0.cell.attackIndex == i && $0.metrics["robustAccuracy"] != nil }
      guard !mine.isEmpty else { continue }
      let defenses = orderedUnique(mine.map(\.cell.defense))
      let series = defenses.map { d in
        SVGChart.Series(name: d, points: a.eps.compactMap { e in
          ExperimentResults.mean(mine.filter { $0.cell.defense == d && $0.cell.variant?.eps == e }.compactMap { $0.metrics["robustAccuracy"] })
            .map { CurvePoint(x: e, y: $0) }
        })
      }
      charts.append(SVGChart(title: "\(a.label): accuracy under attack vs ε (\(main))", xLabel: "ε",
                             yLabel: "test accuracy under attack", series: series, yRange: 0...1).render())
    }
    // 3. Thief fidelity vs budget, one series per defense.
    for (i, a) in config.attacks.enumerated() {
      let mine = cells.filter { $0.cell.attackIndex == i && $0.metrics["fidelity"] != nil && $0.cell.variant?.budget != nil }
      guard !mine.isEmpty else { continue }
      let series = orderedUnique(mine.map(\.cell.defense)).map { d in
        SVGChart.Series(name: d, points: a.budgets.sorted().compactMap { b in
          ExperimentResults.mean(mine.filter { $0.cell.defense == d && $0.cell.variant?.budget == b }.compactMap { $0.metrics["fidelity"] })
            .map { CurvePoint(x: Double(b), y: $0) }
        })
      }
      charts.append(SVGChart(title: "\(a.label): thief fidelity vs budget (\(main))", xLabel: "queries (budget)",
                             yLabel: "fidelity (agreement with victim)", series: series, yRange: 0...1).render())
    }
    // 4. Trade-off: protection vs honest-user cost, one point per defense.
    for (metric, label) in [("trueSuccessRate", "evasion success (mean over black-box cells)"),
                            ("fidelity", "thief fidelity (mean over extraction cells)")] {
      let series: [SVGChart.Series] = config.defenses.compactMap { d in
        guard let cost = r.costCell(defense: d, backend: main)?.metrics["meanL1"],
              let y = ExperimentResults.mean(cells.filter { $0.cell.defense == d && blackBox($0) }.compactMap { $0.metrics[metric] })
        else { return nil }
        return SVGChart.Series(name: d, points: [CurvePoint(x: cost, y: y)])
      }
      if !series.isEmpty {
        charts.append(SVGChart(title: "Protection vs honest-user cost (\(main)) — lower-left is better", xLabel: "honest-user distortion (mean L1 of the revealed distribution)",
                               yLabel: label, series: series, style: .labelledPoints, yRange: 0...1).render())
      }
    }
    // 5. Throughput per attack entry and backend.
    let labels = config.attacks.map(\.label)
    if !labels.isEmpty {
      let series = config.backends.map { b in
        SVGChart.Series(name: r.environment.devices[b].map { "\(b) (\($0))" } ?? b, points: labels.indices.compactMap { i in
          let cs = r.attackCells(backend: b).filter { $0.cell.attackIndex == i }
          let rows = cs.reduce(0) { $0 + $1.timing.rows }, sec = cs.reduce(0) { $0 + $1.timing.seconds }
          return sec > 0 ? CurvePoint(x: Double(i), y: Double(rows) / sec) : nil
        })
      }
      charts.append(SVGChart(title: "Throughput: CPU vs OpenCL", xLabel: "attack", yLabel: "rows per second",
                             series: series, style: .bars, categories: labels).render())
    }
    // Image grids: per attack entry, the first defense's cell at the largest ε and first seed.
    var images: [(String, [UInt8])] = []
    var figures: [String] = []
    for (i, a) in config.attacks.enumerated() {
      let mine = cells.filter { $0.cell.attackIndex == i && $0.images != nil && $0.cell.variant?.seed == a.seeds.first }
      guard let c = mine.first(where: { $0.cell.defense == config.defenses.first && $0.cell.variant?.eps == a.eps.max() }) ?? mine.first,
            let t = c.images, let png = ImageGrid.png(t, scale: 8) else { continue }
      let file = "images/" + c.cell.fileStem + ".png"
      images.append((file, png))
      figures.append("<figure><img alt=\"\(esc(a.label)) examples\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\"/>"
        + "<figcaption>\(esc(a.label)) vs <code>\(esc(c.cell.defense))</code>\(c.cell.variant?.eps.map { ", ε=\(SVGChart.tick($0))" } ?? ""): "
        + "original · adversarial · perturbation (grey = 0) — <a href=\"\(file)\">\(file)</a></figcaption></figure>")
    }
    let env = r.environment
    var html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>Gauntlet report: \(esc(config.name))</title>
      <style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}h1{font-size:22px}
      .charts{display:flex;flex-wrap:wrap;gap:12px}.chart{border:1px solid #ddd}figure{display:inline-block;margin:8px;max-width:280px;vertical-align:top;font-size:12px;word-break:break-all}
      figure img{image-rendering:pixelated;border:1px solid #ddd}table{border-collapse:collapse;font-size:13px}
      td,th{border:1px solid #ccc;padding:3px 6px}code{background:#f4f4f4}</style></head><body>
      <h1>Gauntlet report: \(esc(config.name))</h1>
      <p>Victim \(esc(config.victim.description)) on \(esc(config.dataset)); oracle output \(esc(config.output));
      \(config.defenses.count) defense chain(s), \(config.attacks.count) attack(s), backends \(esc(config.backends.joined(separator: ", "))),
      \(r.cells.count) cells. Gauntlet \(esc(env.gauntlet)), Swift \(esc(env.swift)), \(env.cores) cores,
      \(esc(env.devices.keys.sorted().map { "\($0) = \(env.devices[$0]!)" }.joined(separator: "; "))).</p>
      <h2>Charts</h2><div class="charts">
      """
    html += charts.joined(separator: "\n") + "</div>\n"
    if !figures.isEmpty { html += "<h2>Adversarial examples</h2>\n" + figures.joined(separator: "\n") + "\n" }
    html += "<h2>Summary</h2>\n" + markdownTablesToHTML(SummaryTable.markdown(r)) + "\n</body></html>\n"
    return (html, images)
  }

  static func orderedUnique(_ xs: [String]) -> [String] {
    var seen = Set<String>()
    return xs.filter { seen.insert($0).inserted }
  }

  /// Renders the summary's Markdown tables and headings as HTML (only what `SummaryTable` emits).
  static func markdownTablesToHTML(_ md: String) -> String {
    var out = "", inTable = false
    for line in md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
      if line.hasPrefix("|") {
        let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast().map { $0.trimmingCharacters(in: .whitespaces) }
        if cells.allSatisfy({ $0.allSatisfy { $0 == "-" } }) { continue }
        let tag = inTable ? "td" : "th"
        if !inTable { out += "<table>"; inTable = true }
        out += "<tr>" + cells.map { "<\(tag)>\(code(esc($0)))</\(tag)>" }.joined() + "</tr>"
        continue
      }
      if inTable { out += "</table>\n"; inTable = false }
      if line.hasPrefix("## ") { out += "<h3>\(esc(String(line.dropFirst(3))))</h3>\n" }
      else if line.hasPrefix("# ") { continue }
      else if !line.isEmpty { out += "<p>\(code(esc(line)))</p>\n" }
    }
    if inTable { out += "</table>\n" }
    return out
  }

  /// `text` with backtick spans as <code>.
  static func code(_ s: String) -> String {
    let parts = s.split(separator: "`", omittingEmptySubsequences: false)
    return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
  }
}
