import GauntletCore

extension Oracle {
  /// Answers a batch `[rows] + inputShape` (or `[rows, featureCount]`) on the model's backend with
  /// what the deployment reveals. See the type's documentation for validation, charging and errors.
  ///
  /// - Parameters:
  ///   - client: who is asking (budgets, rate limits and monitors are per client).
  ///   - purpose: counted separately in `ClientUsage.answered` (`.loss`, `.successCheck`, `.other`).
  ///   - samples: which attack sample each row serves, for per-sample accounting.
  public func query(_ x: Tensor, client: String = "default", purpose: QueryPurpose = .other,
                    samples: SampleAttribution = .none) throws -> OracleAnswer {
    let rows = x.shape.isEmpty ? 0 : x.rows
    let host: [Float]
    do {
      guard x.backend === backend else {
        throw GauntletError.foreignBuffer(operation: "Oracle.query", expected: backend.name, got: x.backend.name)
      }
      try checkStructure(rows: rows, cols: x.shape.count >= 2 ? x.cols : -1, shape: x.shape, samples: samples)
      host = try x.toArray()
      try checkValues(host)
    } catch {
      reject(client: client, rows: rows, purpose: purpose, error: error)
      throw error
    }
    return try answer(x, host: host, rows: rows, client: client, purpose: purpose, samples: samples)
  }

  /// Answers row-major host rows (`rows.count` a multiple of `featureCount`); the convenience form
  /// of `query(_:client:purpose:samples:)`, with the same validation and charging.
  public func query(_ rows: [Float], client: String = "default", purpose: QueryPurpose = .other,
                    samples: SampleAttribution = .none) throws -> OracleAnswer {
    let n = rows.count / featureCount
    let x: Tensor
    do {
      guard rows.count % featureCount == 0 else {
        throw GauntletError.shapeMismatch(
          operation: "Oracle.query",
          detail: "\(rows.count) values is not a whole number of rows of \(featureCount) features (input shape \(inputShape))")
      }
      try checkStructure(rows: n, cols: featureCount, shape: [n, featureCount], samples: samples)
      try checkValues(rows)
      x = try Tensor(rows, shape: [n] + inputShape, on: backend)
    } catch {
      reject(client: client, rows: n, purpose: purpose, error: error)
      throw error
    }
    return try answer(x, host: rows, rows: n, client: client, purpose: purpose, samples: samples)
  }

  private func checkStructure(rows: Int, cols: Int, shape: [Int], samples: SampleAttribution) throws {
    guard cols == featureCount else {
      throw GauntletError.shapeMismatch(
        operation: "Oracle.query",
        detail: "batch of shape \(shape) has \(max(cols, 0)) features per row; the model takes \(inputShape) (\(featureCount) features): send [rows] + \(inputShape)")
    }
    guard rows >= 1 else {
      throw GauntletError.invalidArgument(name: "batch", detail: "empty batch (0 rows); send at least one row")
    }
    try samples.validate(rows: rows)
  }

  private func checkValues(_ host: [Float]) throws {
    let box = configuration.inputBounds
    let lo = box?.lowerBound ?? -.infinity, hi = box?.upperBound ?? .infinity
    let fast = host.withUnsafeBufferPointer { InputScan.scan($0) }
    if fast.finite && fast.min >= lo && fast.max <= hi { return }
    // Slow path: find the first offending value for the error message.
    try host.withUnsafeBufferPointer { p in
      for i in p.indices {
        let v = p[i]
        if v >= lo && v <= hi && v.isFinite { continue }
        if !v.isFinite { throw GauntletError.nonFinite(context: "Oracle.query row \(i / featureCount)", index: i) }
        throw GauntletError.invalidArgument(
          name: "input",
          detail: "row \(i / featureCount), feature \(i % featureCount) = \(v) is outside the declared input box [\(lo), \(hi)]; clamp queries to the box")
      }
    }
  }

  private func answer(_ x: Tensor, host: [Float], rows: Int, client: String, purpose: QueryPurpose,
                      samples: SampleAttribution) throws -> OracleAnswer {
    let adm = try admit(client: client, rows: rows, purpose: purpose, samples: samples)
    let chain = configuration.defenses
    let wantHashes = configuration.auditLog?.includeRowHashes ?? false
    let keys = chain.usesRowKeys || wantHashes ? RowHash.rows(host, cols: featureCount) : []

    let logits = try modelLogits(x.reshaped([rows] + inputShape))
    guard logits.rows == rows, logits.cols == classCount, logits.backend === backend else {
      throw GauntletError.shapeMismatch(operation: "Oracle.query",
                                        detail: "model returned \(logits.shape), expected [\(rows), \(classCount)]")
    }
    var batch = DefenseBatch(backend: backend, client: client, inputs: x, hostInputs: host, featureCount: featureCount,
                             rowKeys: keys, modelLogits: logits)
    try chain.apply(to: &batch)
    let (mode, scores, decide) = try reveal(&batch)
    let labels = try argmax(decide, rows: rows)

    if !configuration.monitors.isEmpty {
      let mb = MonitoredBatch(client: client, inputs: host, featureCount: featureCount, labels: labels,
                              firstQueryIndex: adm.firstQueryIndex, time: adm.time)
      record(alarms: configuration.monitors.flatMap { $0.observe(mb) }, client: client)
    }
    try log(AuditRecord(sequence: adm.sequence, client: client, purpose: purpose, rows: rows,
                        firstQueryIndex: adm.firstQueryIndex, time: adm.time, outcome: .answered,
                        rowHashes: wantHashes ? keys : nil))
    return OracleAnswer(mode: mode, rows: rows, classCount: classCount, labels: labels, scores: scores,
                        firstQueryIndex: adm.firstQueryIndex)
  }

  /// The revealed form, the revealed tensor, and the tensor whose argmax is the label.
  private func reveal(_ batch: inout DefenseBatch) throws -> (OutputMode, Tensor?, Tensor) {
    if batch.labelOnly { return (.label, nil, batch.scores) }
    switch configuration.mode {
    case .probabilities:
      let p = try batch.probabilities()
      return (.probabilities, p, p)
    case .logits:
      let z = try batch.logits()
      return (.logits, z, z)
    case let .topK(k):
      let p = try batch.probabilities()
      let n = batch.count
      let mask = try backend.makeBuffer(count: n)
      try backend.rows(.topKMask(k: k), p.buffer, into: mask, rows: batch.rows, cols: classCount)
      try backend.binary(.mul, p.buffer, mask, into: mask, count: n)
      let t = try Tensor(buffer: mask, shape: [batch.rows, classCount], on: backend)
      return (.topK(k), t, t)
    case .label:
      return (.label, nil, batch.scores)
    }
  }

  private func argmax(_ t: Tensor, rows: Int) throws -> [Int32] {
    let out = try backend.makeBuffer(count: rows)
    try backend.rows(.argmax, t.buffer, into: out, rows: rows, cols: classCount)
    return try backend.download(out, offset: 0, count: rows).map { Int32($0) }
  }
}

/// One vectorised pass over a batch: minimum, maximum and whether every value is finite.
enum InputScan {
  static func scan(_ p: UnsafeBufferPointer<Float>) -> (min: Float, max: Float, finite: Bool) {
    let n = p.count
    guard let base = p.baseAddress, n > 0 else { return (.infinity, -.infinity, true) }
    var mn = SIMD8<Float>(repeating: .infinity), mx = SIMD8<Float>(repeating: -.infinity)
    var acc = SIMD8<Float>(repeating: 0)     // Σ (v − v): NaN iff some v is NaN or ±Inf
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i + 8 <= n {
      let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
      // `replace(with:where:)` compiles to vector blends; `pointwiseMin/Max` do not (8× slower).
      mn.replace(with: v, where: v .< mn); mx.replace(with: v, where: v .> mx)
      acc += v - v
      i += 8
    }
    var lo = mn.min(), hi = mx.max(), finite = !acc.sum().isNaN
    while i < n {
      let v = base[i]
      if !v.isFinite { finite = false }
      lo = Swift.min(lo, v); hi = Swift.max(hi, v)
      i += 1
    }
    return (lo, hi, finite)
  }
}
