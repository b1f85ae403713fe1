import GauntletCore

extension OpenCLBackend {
  /// Philox4x32-10 fill, bit-identical to `Philox.fill` (see `Kernels/random.cl`); one work-item
  /// per 4-word block.
  public func random(_ distribution: Distribution, key: PhiloxKey, counter: UInt64, into buffer: DeviceBuffer,
                     count: Int) throws {
    try Validate.sizes("random", ("count", count))
    let mem = try memory(buffer, atLeast: count, "random")
    var args: [KernelArg] = [.buffer(mem), .long(Int64(count)), .ulong(counter), .ulong(key.seed), .ulong(key.stream)]
    let kernel: String
    switch distribution {
    case let .uniform(lo, hi):
      try Validate.finite(lo, "lo")
      try Validate.finite(hi, "hi")
      kernel = "random_uniform"
      args += [.float(lo), .float(hi)]
    case let .normal(mean, std):
      try Validate.finite(mean, "mean")
      try Validate.finite(std, "std")
      kernel = "random_normal"
      args += [.float(mean), .float(std)]
    case .rademacher:
      kernel = "random_rademacher"
    }
    try launch1D(.random, kernel, args, count: (count + 3) / 4)
  }
}
