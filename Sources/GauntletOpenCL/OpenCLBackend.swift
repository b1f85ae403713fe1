import COpenCL
import Foundation
import GauntletCore

/// A buffer of `Float`s in an OpenCL device's memory, made by `OpenCLBackend.makeBuffer`.
public final class OpenCLBuffer: DeviceBuffer {
  public let count: Int
  public let owner: ObjectIdentifier
  let memory: CLBuffer

  init(count: Int, owner: ObjectIdentifier, memory: CLBuffer) {
    self.count = count; self.owner = owner; self.memory = memory
  }
}

/// The `Backend` on one OpenCL device: every op is an OpenCL kernel from `Kernels/*.cl` (embedded
/// at build time), enqueued in order on one profiling-enabled queue.
///
/// ```swift
/// let be = try OpenCLBackend.shared()          // platform 0, device 0 (PoCL here)
/// let x = try be.makeBuffer([1, -2, 3])
/// try be.unary(.relu, x, into: x, count: 3)
/// try be.download(x)                           // [1, 0, 3]
/// ```
///
/// Accuracy: `random` is bit-identical to `Philox.fill`; copies, fills, perturbations, pooling
/// and element-wise arithmetic round exactly as plain Swift (no contraction into `fma`); `exp`,
/// `log`, `tanh` (and softmax, sigmoid built on them) are the device's built-ins, within a few
/// ulp of glibc on PoCL; row sums run left to right; GEMM accumulates with `fma` in k order.
///
/// `@unchecked Sendable`: the mutable state (kernel objects, GEMM scratch) is only touched under
/// `lock`, which also keeps each op's argument setting and enqueues together; the queue and
/// context are thread-safe OpenCL objects.
public final class OpenCLBackend: Backend, @unchecked Sendable {
  /// `"opencl:<device name>"`.
  public let name: String
  public let deviceKind: DeviceKind
  /// What the device reports (name, driver, memory, limits).
  public let deviceInfo: OpenCLDeviceInfo
  /// The kernel parameters in use.
  public let tuning: KernelTuning

  let context: CLContext
  let queue: CLQueue
  let programs = ProgramCache()
  let lock = NSRecursiveLock()
  private var kernels: [KernelKey: CLKernel] = [:]
  /// GEMM packing buffers, grown on demand (guarded by `lock`).
  var packA: CLBuffer?
  var packB: CLBuffer?

  /// Opens device `device` of platform `platform` (indices into `OpenCLRuntime.platforms()`).
  /// `tuning` (e.g. `.gpu`, or a modified table row for tuning sweeps) overrides the parameters
  /// chosen from the device type and `GAUNTLET_OPENCL_TUNING`. Throws `backendUnavailable` when
  /// there is no such platform or device, `invalidArgument` for parameters the device cannot run.
  public init(platform: Int = 0, device: Int = 0, tuning: KernelTuning? = nil) throws {
    let (ctx, q, info) = try OpenCLRuntime.setupLock.withLock { () throws -> (CLContext, CLQueue, OpenCLDeviceInfo) in
      let platforms = try OpenCLRuntime.platformIDs()
      guard platforms.indices.contains(platform) else {
        throw GauntletError.backendUnavailable(
          backend: "opencl", reason: "platform \(platform) does not exist (\(platforms.count) installed)",
          remedy: "pick a platform index below \(platforms.count); `clinfo -l` lists them")
      }
      let devices = try OpenCLRuntime.deviceIDs(platforms[platform])
      guard devices.indices.contains(device) else {
        throw GauntletError.backendUnavailable(
          backend: "opencl", reason: "platform \(platform) has no device \(device) (\(devices.count) found)",
          remedy: "pick a device index below \(devices.count), or \(OpenCLRuntime.unavailableRemedy)")
      }
      let id = devices[device]
      let ctx = try CLContext(device: id)
      return (ctx, try CLQueue(context: ctx), try OpenCLRuntime.deviceInfo(id))
    }
    context = ctx
    queue = q
    deviceInfo = info
    deviceKind = info.kind
    name = "opencl:\(info.name)"
    var t: KernelTuning
    if let tuning { t = tuning } else {
      t = KernelTuning.defaults(for: try KernelTuning.profile(for: info.kind))
      t.gemmGroup = Swift.min(t.gemmGroup, info.maxWorkGroupSize)
      t.localSize = Swift.min(t.localSize, info.maxWorkGroupSize)
    }
    try t.validate(maxWorkGroupSize: info.maxWorkGroupSize)
    self.tuning = t
  }

  private static let sharedLock = NSLock()
  nonisolated(unsafe) private static var sharedResult: Result<OpenCLBackend, Error>?

  /// The backend on platform 0, device 0, created once (thread-safe); a failure is remembered and
  /// rethrown on every call.
  public static func shared() throws -> OpenCLBackend {
    try sharedLock.withLock {
      if let r = sharedResult { return try r.get() }
      let r = Result { try OpenCLBackend() }
      sharedResult = r
      return try r.get()
    }
  }

  /// A new backend on the first GPU-type device of any platform, or `nil` when there is none
  /// (also when no OpenCL platform is installed).
  public static func firstGPU() throws -> OpenCLBackend? {
    let platforms: [OpenCLPlatformInfo]
    do { platforms = try OpenCLRuntime.platforms() } catch GauntletError.backendUnavailable { return nil }
    for (p, platform) in platforms.enumerated() {
      if let d = platform.devices.firstIndex(where: { $0.kind == .gpu }) {
        return try OpenCLBackend(platform: p, device: d)
      }
    }
    return nil
  }

  // MARK: Programs and launches

  /// The kernel families, one per `Kernels/<name>.cl`.
  enum Family: String, CaseIterable {
    case gemm, elementwise, rows, random, perturb, conv
  }

  struct KernelKey: Hashable {
    var family: Family
    var name: String
  }

  /// Build options: correctly rounded `/` and `sqrt` where the device offers them (the RNG needs
  /// them to match the Swift reference bit for bit); `-w` silences PoCL's benign warnings about
  /// the ABI of 16-wide vectors on AVX2 (errors still reach the build log).
  var buildOptions: String {
    "-w" + (deviceInfo.correctlyRoundedDivideSqrt ? " -cl-fp32-correctly-rounded-divide-sqrt" : "")
  }

  /// Builds (or fetches from the cache) a program from `source` with the tuning defines prepended.
  func program(named name: String, source: String) throws -> CLProgram {
    try programs.program(context: context, info: deviceInfo, name: name, source: tuning.defines + source,
                         options: buildOptions)
  }

  /// The kernel `kernelName` of `family`, built on first use. Call under `lock`.
  private func kernel(_ family: Family, _ kernelName: String) throws -> CLKernel {
    let key = KernelKey(family: family, name: kernelName)
    if let k = kernels[key] { return k }
    guard let source = KernelSources.all[family.rawValue] else {
      throw GauntletError.kernelBuildFailed(program: family.rawValue, device: deviceInfo.name,
                                            log: "no embedded source; run scripts/generate-kernel-sources.sh")
    }
    let k = try CLKernel(program: try program(named: family.rawValue, source: source), name: kernelName)
    kernels[key] = k
    return k
  }

  /// Sets `args` and enqueues `kernelName` over `global` items in groups of `local`.
  func launch(_ family: Family, _ kernelName: String, _ args: [KernelArg], global: [Int], local: [Int]) throws {
    try lock.withLock {
      let k = try kernel(family, kernelName)
      try k.setArgs(args)
      try queue.launch(k, global: global, local: local)
    }
  }

  /// A one-dimensional launch over `count` items (rounded up to the fixed local size; kernels
  /// guard the tail). Zero items enqueue nothing.
  func launch1D(_ family: Family, _ kernelName: String, _ args: [KernelArg], count: Int) throws {
    guard count > 0 else { return }
    let l = tuning.localSize
    try launch(family, kernelName, args, global: [(count + l - 1) / l * l], local: [l])
  }

  /// The device memory of `buffer` after the shared checks (ownership, size ≥ `count`).
  func memory(_ buffer: DeviceBuffer, atLeast count: Int, _ op: String, _ role: String = "buffer") throws -> CLBuffer {
    try Validate.buffer(buffer, of: self, atLeast: count, op, role)
    guard let b = buffer as? OpenCLBuffer else {
      throw GauntletError.foreignBuffer(operation: op, expected: name, got: String(describing: type(of: buffer)))
    }
    return b.memory
  }

  /// `a·b·…` for sizes from the caller, throwing instead of overflowing; at most `Int32.max` (the
  /// kernels index with 32-bit integers).
  func elements(_ op: String, _ factors: Int...) throws -> Int {
    var n = 1
    for f in factors {
      guard f >= 0 else { throw GauntletError.shapeMismatch(operation: op, detail: "negative size \(f)") }
      let (p, overflow) = n.multipliedReportingOverflow(by: f)
      guard !overflow, p <= Int(Int32.max) else {
        throw GauntletError.shapeMismatch(operation: op, detail: "\(factors) exceeds 2^31-1 elements")
      }
      n = p
    }
    return n
  }

  /// `offset + count`, throwing instead of overflowing.
  func end(_ op: String, _ offset: Int, _ count: Int) throws -> Int {
    let (e, overflow) = offset.addingReportingOverflow(count)
    guard !overflow else { throw GauntletError.shapeMismatch(operation: op, detail: "offset \(offset) + count \(count) overflows") }
    return e
  }

  public func synchronize() throws { try queue.finish() }
}
