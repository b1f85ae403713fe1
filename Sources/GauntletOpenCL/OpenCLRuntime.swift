import COpenCL
import Foundation
import GauntletCore

/// What one OpenCL device reports about itself.
public struct OpenCLDeviceInfo: Sendable, Hashable, Codable {
  public var name: String
  public var vendor: String
  /// `CL_DEVICE_VERSION`, e.g. "OpenCL 3.0 PoCL HSTR: …".
  public var version: String
  /// `CL_DRIVER_VERSION`, part of the program-cache key.
  public var driverVersion: String
  public var kind: DeviceKind
  public var computeUnits: Int
  public var globalMemoryBytes: Int
  public var localMemoryBytes: Int
  public var maxWorkGroupSize: Int
  /// Whether `-cl-fp32-correctly-rounded-divide-sqrt` is available (`CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT`);
  /// bit-identical normal random numbers need it.
  public var correctlyRoundedDivideSqrt: Bool
}

/// One OpenCL platform (an installed driver) and its devices.
public struct OpenCLPlatformInfo: Sendable, Hashable, Codable {
  public var name: String
  public var vendor: String
  public var version: String
  public var devices: [OpenCLDeviceInfo]
}

/// Discovery of OpenCL platforms and devices.
///
/// ```swift
/// for p in try OpenCLRuntime.platforms() { print(p.name, p.devices.map(\.name)) }
/// ```
public enum OpenCLRuntime {
  /// Serializes device discovery, context creation and program builds: PoCL's first device set-up
  /// is not thread-safe (concurrent first contexts fail with -1 or -61).
  static let setupLock = NSLock()

  /// Every platform and its devices. Throws `GauntletError.backendUnavailable` when no OpenCL
  /// platform is installed.
  public static func platforms() throws -> [OpenCLPlatformInfo] {
    try setupLock.withLock {
      try platformIDs().map { pid in
        OpenCLPlatformInfo(name: platformString(pid, CL_PLATFORM_NAME),
                           vendor: platformString(pid, CL_PLATFORM_VENDOR),
                           version: platformString(pid, CL_PLATFORM_VERSION),
                           devices: try deviceIDs(pid).map(deviceInfo))
      }
    }
  }

  static let unavailableRemedy =
    "install an OpenCL driver, e.g. `apt-get install ocl-icd-opencl-dev pocl-opencl-icd` (CPU) or your GPU vendor's ICD"

  /// Platform handles; no platform is `backendUnavailable`. Call under `setupLock`.
  static func platformIDs() throws -> [cl_platform_id] {
    var count: cl_uint = 0
    let status = clGetPlatformIDs(0, nil, &count)
    if status == CL_PLATFORM_NOT_FOUND_KHR || (status == CL_SUCCESS && count == 0) {
      throw GauntletError.backendUnavailable(backend: "opencl", reason: "no OpenCL platform is installed",
                                             remedy: unavailableRemedy)
    }
    try check(status, "clGetPlatformIDs")
    var ids = [cl_platform_id?](repeating: nil, count: Int(count))
    try check(clGetPlatformIDs(count, &ids, nil), "clGetPlatformIDs")
    return ids.compactMap { $0 }
  }

  /// Device handles of a platform (none is an empty array). Call under `setupLock`.
  static func deviceIDs(_ platform: cl_platform_id) throws -> [cl_device_id] {
    var count: cl_uint = 0
    let status = clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &count)
    if status == CL_DEVICE_NOT_FOUND { return [] }
    try check(status, "clGetDeviceIDs")
    var ids = [cl_device_id?](repeating: nil, count: Int(count))
    try check(clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), count, &ids, nil), "clGetDeviceIDs")
    return ids.compactMap { $0 }
  }

  static func deviceInfo(_ d: cl_device_id) throws -> OpenCLDeviceInfo {
    let type: cl_device_type = try deviceValue(d, CL_DEVICE_TYPE)
    let kind: DeviceKind
    if type & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 { kind = .gpu }
    else if type & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 { kind = .cpu }
    else if type & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { kind = .accelerator }
    else { kind = .other }
    let fp: cl_device_fp_config = try deviceValue(d, CL_DEVICE_SINGLE_FP_CONFIG)
    let units: cl_uint = try deviceValue(d, CL_DEVICE_MAX_COMPUTE_UNITS)
    let global: cl_ulong = try deviceValue(d, CL_DEVICE_GLOBAL_MEM_SIZE)
    let local: cl_ulong = try deviceValue(d, CL_DEVICE_LOCAL_MEM_SIZE)
    let group: Int = try deviceValue(d, CL_DEVICE_MAX_WORK_GROUP_SIZE)
    return OpenCLDeviceInfo(
      name: try deviceString(d, CL_DEVICE_NAME), vendor: try deviceString(d, CL_DEVICE_VENDOR),
      version: try deviceString(d, CL_DEVICE_VERSION), driverVersion: try deviceString(d, CL_DRIVER_VERSION),
      kind: kind, computeUnits: Int(units), globalMemoryBytes: Int(clamping: global),
      localMemoryBytes: Int(clamping: local), maxWorkGroupSize: group,
      correctlyRoundedDivideSqrt: fp & cl_device_fp_config(CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0)
  }

  private static func deviceValue<T>(_ d: cl_device_id, _ param: Int32) throws -> T where T: FixedWidthInteger {
    var value: T = 0
    try check(clGetDeviceInfo(d, cl_device_info(param), MemoryLayout<T>.size, &value, nil), "clGetDeviceInfo(\(param))")
    return value
  }

  private static func deviceString(_ d: cl_device_id, _ param: Int32) throws -> String {
    var size = 0
    try check(clGetDeviceInfo(d, cl_device_info(param), 0, nil, &size), "clGetDeviceInfo(\(param))")
    var bytes = [CChar](repeating: 0, count: Swift.max(size, 1))
    try check(clGetDeviceInfo(d, cl_device_info(param), size, &bytes, nil), "clGetDeviceInfo(\(param))")
    return cString(bytes)
  }

  private static func platformString(_ p: cl_platform_id, _ param: Int32) -> String {
    var size = 0
    guard clGetPlatformInfo(p, cl_platform_info(param), 0, nil, &size) == CL_SUCCESS, size > 0 else { return "" }
    var bytes = [CChar](repeating: 0, count: size)
    guard clGetPlatformInfo(p, cl_platform_info(param), size, &bytes, nil) == CL_SUCCESS else { return "" }
    return cString(bytes)
  }

  private static func cString(_ bytes: [CChar]) -> String {
    String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      .trimmingCharacters(in: .whitespaces)
  }
}
