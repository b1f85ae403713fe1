import GauntletCore

extension OpenCLBackend {
  public func perturbRows(base: DeviceBuffer, directions: DeviceBuffer, sigma: Float, antithetic: Bool,
                          into out: DeviceBuffer, samples: Int, directionsPerSample: Int, dim: Int) throws {
    let op = "perturbRows"
    try Validate.finite(sigma, "sigma")
    let n = try elements(op, samples, directionsPerSample, dim)
    let bm = try memory(base, atLeast: try elements(op, samples, dim), op, "base")
    let dm = try memory(directions, atLeast: n, op, "directions")
    let om = try memory(out, atLeast: try elements(op, antithetic ? 2 : 1, n), op, "out")
    try launch1D(.perturb, "perturb_rows",
                 [.buffer(bm), .buffer(dm), .float(sigma), .int(antithetic ? 1 : 0), .buffer(om), .int(Int32(n)),
                  .int(Int32(directionsPerSample)), .int(Int32(dim))], count: n)
  }

  public func perturbCoordinates(base: DeviceBuffer, indices: [Int32], h: Float, into out: DeviceBuffer,
                                 samples: Int, coordinatesPerSample: Int, dim: Int) throws {
    let op = "perturbCoordinates"
    try Validate.finite(h, "h")
    let pairs = try elements(op, samples, coordinatesPerSample)
    let n = try elements(op, pairs, dim)
    let bm = try memory(base, atLeast: try elements(op, samples, dim), op, "base")
    let om = try memory(out, atLeast: try elements(op, 2, n), op, "out")
    guard indices.count == pairs else {
      throw GauntletError.shapeMismatch(operation: op, detail: "indices holds \(indices.count) coordinates, "
                                        + "needs samples × coordinatesPerSample = \(pairs)")
    }
    guard n > 0 else { return }
    try Validate.indices(indices, below: dim, op)
    let idx = try uploadIndices(indices)
    try launch1D(.perturb, "perturb_coordinates",
                 [.buffer(bm), .buffer(idx), .float(h), .buffer(om), .int(Int32(n)),
                  .int(Int32(coordinatesPerSample)), .int(Int32(dim))], count: n)
  }

  public func stepProject(x: DeviceBuffer, direction: DeviceBuffer, origin: DeviceBuffer, stepSize: Float,
                          epsilon: Float, norm: Norm, lo: Float, hi: Float, into out: DeviceBuffer,
                          rows: Int, cols: Int) throws {
    let op = "stepProject"
    try Validate.projection(stepSize: stepSize, epsilon: epsilon, lo: lo, hi: hi)
    let n = try elements(op, rows, cols)
    let xm = try memory(x, atLeast: n, op, "x")
    let dm = try memory(direction, atLeast: n, op, "direction")
    let om = try memory(origin, atLeast: n, op, "origin")
    let outm = try memory(out, atLeast: n, op, "out")
    guard n > 0 else { return }
    try launch1D(.perturb, "step_project",
                 [.buffer(xm), .buffer(dm), .buffer(om), .float(stepSize), .float(epsilon), .int(norm == .l2 ? 1 : 0),
                  .float(lo), .float(hi), .buffer(outm), .int(Int32(rows)), .int(Int32(cols))], count: rows)
  }
}
