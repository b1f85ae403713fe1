import Foundation

/// Which backend to run on: `cpu`, `opencl` (the first OpenCL device, or `device` N in
/// `gauntlet devices` order), or `auto` (an OpenCL GPU if one exists, else the CPU backend).
///
/// ```swift
/// let backend = try BackendChoice.auto.make()
/// ```
public enum BackendChoice: String, CaseIterable, Sendable, Codable {
  case cpu, opencl, auto

  /// Parses `cpu | opencl | auto` (case-insensitive).
  public init(parsing text: String) throws {
    guard let c = BackendChoice(rawValue: text.lowercased()) else {
      throw GauntletError.invalidArgument(name: "backend", detail: "unknown backend '\(text)'; choose one of cpu, opencl, auto")
    }
    self = c
  }

  /// The choice named by `GAUNTLET_BACKEND`, or `fallback` when unset.
  public static func fromEnvironment(default fallback: BackendChoice = .auto) throws -> BackendChoice {
    guard let v = ProcessInfo.processInfo.environment["GAUNTLET_BACKEND"], !v.isEmpty else { return fallback }
    return try BackendChoice(parsing: v)
  }

  /// Creates the backend. `device` indexes the flat OpenCL device list of `gauntlet devices`.
  /// `auto` never fails: without an OpenCL GPU it notes why on `note` and returns the CPU backend.
  public func make(device: Int? = nil, note: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws -> Backend {
    switch self {
    case .cpu:
      return CPUBackend()
    case .opencl:
      if let device {
        let (p, d) = try OpenCLDeviceList.locate(flatIndex: device)
        return try OpenCLBackend(platform: p, device: d)
      }
      return try OpenCLBackend.shared()
    case .auto:
      do {
        if let gpu = try OpenCLBackend.firstGPU() { return gpu }
        note("auto: no OpenCL GPU found; using the CPU backend")
      } catch {
        note("auto: OpenCL unavailable (\(error)); using the CPU backend")
      }
      return CPUBackend()
    }
  }
}

/// The OpenCL devices of every platform, numbered in one flat list (as `gauntlet devices` shows).
public enum OpenCLDeviceList {
  /// `(platform, device)` indices of the `flatIndex`-th device.
  public static func locate(flatIndex: Int) throws -> (platform: Int, device: Int) {
    let platforms = try OpenCLRuntime.platforms()
    var i = 0
    for (p, platform) in platforms.enumerated() {
      for d in platform.devices.indices {
        if i == flatIndex { return (p, d) }
        i += 1
      }
    }
    throw GauntletError.invalidArgument(
      name: "device", detail: "no OpenCL device \(flatIndex): \(i) device(s) found; run `gauntlet devices` to list them")
  }
}
