import GauntletCore

extension CPUBackend {
  /// Philox4x32-10 fill, chunked across cores on 32-element (8-block) boundaries and vectorised
  /// 8 blocks at a time (`PhiloxSIMD`); the tail of each chunk uses `Philox.values`, the word the
  /// reference `Philox.fill` picks, so the result is bit-identical whatever the chunking.
  public func random(_ distribution: Distribution, key: PhiloxKey, counter: UInt64, into buffer: DeviceBuffer,
                     count: Int) throws {
    switch distribution {
    case let .uniform(lo, hi): try Validate.finite(lo, "lo"); try Validate.finite(hi, "hi")
    case let .normal(mean, std): try Validate.finite(mean, "mean"); try Validate.finite(std, "std")
    case .rademacher: break
    }
    let p = try storage(buffer, count, "random", "buffer")
    parallelFor(count, minimum: 4_096, align: 32) { r in
      PhiloxSIMD.fill(distribution, key: key, counter: counter, into: p, r)
    }
  }

  /// Elements `r` of the fill (element `i` = word `i % 4` of block `counter + i/4`), one block at a
  /// time through the scalar reference `Philox.values`.
  @inline(__always)
  static func philox(_ d: Distribution, key: PhiloxKey, counter: UInt64, into p: UnsafeMutablePointer<Float>,
                     _ r: Range<Int>) {
    var i = r.lowerBound
    let end = r.upperBound
    while i < end {
      let v = Philox.values(d, key: key, block: counter &+ UInt64(i / 4))
      if i % 4 == 0 && i + 4 <= end {
        p[i] = v.0; p[i + 1] = v.1; p[i + 2] = v.2; p[i + 3] = v.3
        i += 4
        continue
      }
      var w = i % 4
      while w < 4 && i < end {
        switch w {
        case 0: p[i] = v.0
        case 1: p[i] = v.1
        case 2: p[i] = v.2
        default: p[i] = v.3
        }
        w += 1; i += 1
      }
    }
  }

  public func perturbRows(base: DeviceBuffer, directions: DeviceBuffer, sigma: Float, antithetic: Bool,
                          into out: DeviceBuffer, samples: Int, directionsPerSample: Int, dim: Int) throws {
    let op = "perturbRows"
    if samples < 0 || directionsPerSample < 0 || dim < 0 {
      try Validate.sizes(op, ("samples", samples), ("directionsPerSample", directionsPerSample), ("dim", dim))
    }
    try Validate.finite(sigma, "sigma")
    let q = directionsPerSample
    let nRows = try Extent.product(samples, q, op)
    let dirCount = try Extent.product(nRows, dim, op)
    let pb = UnsafePointer(try storage(base, try Extent.product(samples, dim, op), op, "base"))
    let pu = UnsafePointer(try storage(directions, dirCount, op, "directions"))
    let po = try storage(out, try Extent.product(dirCount, antithetic ? 2 : 1, op), op, "out")
    guard dim > 0 else { return }
    parallelFor(nRows, minimum: Swift.max(1, 32_768 / dim), align: 1) { rr in
      for r in rr {
        let b = pb + (r / q) * dim, u = pu + r * dim
        if antithetic {
          let plus = po + 2 * r * dim, minus = plus + dim
          for j in 0..<dim { let s = sigma * u[j]; plus[j] = b[j] + s; minus[j] = b[j] - s }
        } else {
          let o = po + r * dim
          for j in 0..<dim { o[j] = b[j] + sigma * u[j] }
        }
      }
    }
  }

  public func perturbCoordinates(base: DeviceBuffer, indices: [Int32], h: Float, into out: DeviceBuffer,
                                 samples: Int, coordinatesPerSample: Int, dim: Int) throws {
    let op = "perturbCoordinates"
    if samples < 0 || coordinatesPerSample < 0 || dim < 0 {
      try Validate.sizes(op, ("samples", samples), ("coordinatesPerSample", coordinatesPerSample), ("dim", dim))
    }
    try Validate.finite(h, "h")
    let c = coordinatesPerSample
    let pairs = try Extent.product(samples, c, op)
    guard indices.count == pairs else {
      throw GauntletError.shapeMismatch(operation: op, detail: "indices holds \(indices.count) coordinates, need samples × C = \(pairs)")
    }
    try Validate.indices(indices, below: dim, op)
    let pb = UnsafePointer(try storage(base, try Extent.product(samples, dim, op), op, "base"))
    let po = try storage(out, try Extent.product(try Extent.product(pairs, 2, op), dim, op), op, "out")
    guard dim > 0 else { return }
    indices.withUnsafeBufferPointer { idx in
      parallelFor(pairs, minimum: Swift.max(1, 16_384 / dim), align: 1) { jj in
        for j in jj {
          let b = pb + (j / c) * dim, plus = po + 2 * j * dim, minus = plus + dim
          plus.update(from: b, count: dim)
          minus.update(from: b, count: dim)
          let i = Int(idx[j])
          plus[i] = b[i] + h
          minus[i] = b[i] - h
        }
      }
    }
  }

  public func stepProject(x: DeviceBuffer, direction: DeviceBuffer, origin: DeviceBuffer, stepSize: Float,
                          epsilon: Float, norm: Norm, lo: Float, hi: Float, into out: DeviceBuffer,
                          rows: Int, cols: Int) throws {
    let op = "stepProject"
    if rows < 0 || cols < 0 { try Validate.sizes(op, ("rows", rows), ("cols", cols)) }
    try Validate.projection(stepSize: stepSize, epsilon: epsilon, lo: lo, hi: hi)
    let n = try Extent.product(rows, cols, op)
    let px = UnsafePointer(try storage(x, n, op, "x"))
    let pd = UnsafePointer(try storage(direction, n, op, "direction"))
    let pz = UnsafePointer(try storage(origin, n, op, "origin"))
    let po = try storage(out, n, op, "out")
    guard cols > 0 else { return }
    parallelFor(rows, minimum: Swift.max(1, 32_768 / cols), align: 1) { rr in
      for r in rr {
        let xr = px + r * cols, dr = pd + r * cols, zr = pz + r * cols, orow = po + r * cols
        switch norm {
        case .linf:
          for j in 0..<cols {
            let d = Swift.min(Swift.max(xr[j] + stepSize * dr[j] - zr[j], -epsilon), epsilon)
            orow[j] = Swift.min(Swift.max(zr[j] + d, lo), hi)
          }
        case .l2:
          // δ goes into `out` first (x[j] is read before out[j] is written, so out may alias x).
          for j in 0..<cols { orow[j] = xr[j] + stepSize * dr[j] - zr[j] }
          let length = CPUKernels.l2Norm(orow, cols)
          let f: Float = length > epsilon ? epsilon / length : 1
          for j in 0..<cols { orow[j] = Swift.min(Swift.max(zr[j] + orow[j] * f, lo), hi) }
        }
      }
    }
  }
}
