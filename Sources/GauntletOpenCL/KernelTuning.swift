import Foundation
import GauntletCore

/// Tunable kernel parameters, chosen per device type from a small table (after CLBlast's
/// per-device database) and prepended to every kernel source as `#define`s.
///
/// The CPU profile packs GEMM operands into panels and runs a register-blocked micro-kernel
/// (`GEMM_MR` × `GEMM_NR` floats of C per work-item); the GPU profile runs a local-memory tiled
/// kernel (`GEMM_TS`² tiles, `GEMM_WPT` outputs per work-item). Set the environment variable
/// `GAUNTLET_OPENCL_TUNING=cpu|gpu` (or pass `tuning:` to `OpenCLBackend.init`) to force one, e.g.
/// to test the GPU kernels on a CPU driver.
public struct KernelTuning: Sendable, Hashable, CustomStringConvertible {
  /// Which family of kernel shapes to use.
  public enum Profile: String, Sendable, Hashable, CaseIterable {
    case cpu, gpu
  }

  public var profile: Profile
  /// Rows of C per work-item in the packed (CPU) GEMM.
  public var gemmMR: Int
  /// Columns of C per work-item in the packed GEMM: a vector width, 4, 8 or 16.
  public var gemmNR: Int
  /// Work-items per group of the packed GEMM (consecutive A panels sharing one B panel).
  public var gemmGroup: Int
  /// Tile edge of the local-memory (GPU) GEMM.
  public var gemmTS: Int
  /// Outputs per work-item of the tiled GEMM; divides `gemmTS`.
  public var gemmWPT: Int
  /// GEMMs of at most this many floating-point operations (per call) skip packing and run
  /// `gemm_direct` in one launch (CPU profile). On PoCL the direct kernel runs at ~1 GFLOP/s,
  /// so it only pays below ~10⁵ flops, where one launch instead of three saves ~10 µs.
  public var gemmDirectFlops: Double
  /// Local size of every one-dimensional kernel. Kept fixed: PoCL compiles each new local size
  /// on first launch (~0.3 s).
  public var localSize: Int

  /// The table. CPU: 6×16 blocks keep 12 AVX2 accumulators plus 2 B vectors in 16 registers
  /// (the BLIS Haswell shape), ~160 GFLOP/s on 2 cores; GPU: 16×16 tiles, 4 outputs per item.
  public static func defaults(for profile: Profile) -> KernelTuning {
    switch profile {
    case .cpu:
      return KernelTuning(profile: .cpu, gemmMR: 6, gemmNR: 16, gemmGroup: 4, gemmTS: 16, gemmWPT: 4,
                          gemmDirectFlops: 65_536, localSize: 64)
    case .gpu:
      return KernelTuning(profile: .gpu, gemmMR: 4, gemmNR: 4, gemmGroup: 64, gemmTS: 16, gemmWPT: 4,
                          gemmDirectFlops: 0, localSize: 64)
    }
  }

  /// The CPU row of the table.
  public static var cpu: KernelTuning { defaults(for: .cpu) }
  /// The GPU row of the table.
  public static var gpu: KernelTuning { defaults(for: .gpu) }

  /// The profile for a device kind, unless `GAUNTLET_OPENCL_TUNING` names another.
  public static func profile(for kind: DeviceKind, environment: [String: String] = ProcessInfo.processInfo.environment)
    throws -> Profile {
    if let forced = environment["GAUNTLET_OPENCL_TUNING"], !forced.isEmpty {
      guard let p = Profile(rawValue: forced.lowercased()) else {
        throw GauntletError.invalidArgument(
          name: "GAUNTLET_OPENCL_TUNING", detail: "unknown profile '\(forced)'; use 'cpu' or 'gpu' or unset it")
      }
      return p
    }
    return kind == .cpu ? .cpu : .gpu
  }

  /// Checks the parameters fit the kernels and the device.
  func validate(maxWorkGroupSize: Int) throws {
    guard [4, 8, 16].contains(gemmNR), gemmMR >= 1, gemmMR <= 16, gemmGroup >= 1,
          gemmTS >= 1, gemmWPT >= 1, gemmTS % gemmWPT == 0, localSize >= 1,
          gemmGroup <= maxWorkGroupSize, localSize <= maxWorkGroupSize,
          gemmTS * (gemmTS / gemmWPT) <= maxWorkGroupSize else {
      throw GauntletError.invalidArgument(name: "tuning", detail: "\(self) does not fit the kernels or the device "
                                          + "(max work-group size \(maxWorkGroupSize))")
    }
  }

  /// The `#define` block prepended to every program.
  var defines: String {
    """
    #define GEMM_MR \(gemmMR)
    #define GEMM_NR \(gemmNR)
    #define GEMM_TS \(gemmTS)
    #define GEMM_WPT \(gemmWPT)

    """
  }

  public var description: String {
    "\(profile)(MR \(gemmMR), NR \(gemmNR), group \(gemmGroup), TS \(gemmTS), WPT \(gemmWPT), local \(localSize))"
  }
}
