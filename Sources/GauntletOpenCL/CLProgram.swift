import COpenCL
import Foundation
import GauntletCore

/// Owns a built `cl_program`.
///
/// `@unchecked Sendable`: immutable after a successful build; programs may be shared across threads
/// (OpenCL 1.2 A.2).
final class CLProgram: @unchecked Sendable {
  let context: CLContext
  let handle: cl_program
  let name: String

  /// Compiles `source` with `options` for the context's device. A compile error throws
  /// `GauntletError.kernelBuildFailed` carrying the compiler's build log.
  init(context: CLContext, name: String, source: String, options: String, deviceName: String) throws {
    var status: cl_int = CL_SUCCESS
    let created: cl_program? = source.withCString { cs in
      var ptr: UnsafePointer<CChar>? = cs
      return clCreateProgramWithSource(context.handle, 1, &ptr, nil, &status)
    }
    guard let h = created else {
      throw OpenCLError(code: status == CL_SUCCESS ? CL_OUT_OF_HOST_MEMORY : status, call: "clCreateProgramWithSource")
    }
    self.context = context
    self.handle = h
    self.name = name
    try check(status, "clCreateProgramWithSource")
    var dev: cl_device_id? = context.device
    // PoCL's compiler set-up is not thread-safe on first use; builds are rare, so serialize them.
    let built = OpenCLRuntime.setupLock.withLock { clBuildProgram(h, 1, &dev, options, nil, nil) }
    if built != CL_SUCCESS {
      let log = buildLog()
      if built == CL_BUILD_PROGRAM_FAILURE || built == CL_INVALID_BUILD_OPTIONS {
        throw GauntletError.kernelBuildFailed(
          program: name, device: deviceName,
          log: log.isEmpty ? "\(OpenCLError(code: built, call: "clBuildProgram")) options: \(options)" : log)
      }
      try check(built, "clBuildProgram(\(name))")
    }
  }

  deinit { clReleaseProgram(handle) }

  /// The compiler's log for this program on the context's device (empty when unavailable).
  func buildLog() -> String {
    var size = 0
    guard clGetProgramBuildInfo(handle, context.device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size)
            == CL_SUCCESS, size > 1 else { return "" }
    var bytes = [CChar](repeating: 0, count: size)
    guard clGetProgramBuildInfo(handle, context.device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &bytes, nil)
            == CL_SUCCESS else { return "" }
    return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// One kernel argument value.
enum KernelArg {
  case buffer(CLBuffer)
  case int(Int32)
  case long(Int64)
  case ulong(UInt64)
  case float(Float)
}

/// Owns a `cl_kernel`.
///
/// `@unchecked Sendable`: `clSetKernelArg` is the one OpenCL call that is not thread-safe on a
/// shared kernel; `OpenCLBackend` sets arguments and enqueues under its lock.
final class CLKernel: @unchecked Sendable {
  let program: CLProgram
  let handle: cl_kernel
  let name: String

  init(program: CLProgram, name: String) throws {
    var status: cl_int = CL_SUCCESS
    guard let h = clCreateKernel(program.handle, name, &status) else {
      throw OpenCLError(code: status == CL_SUCCESS ? CL_INVALID_KERNEL_NAME : status, call: "clCreateKernel(\(name))")
    }
    try check(status, "clCreateKernel(\(name))")
    self.program = program
    self.handle = h
    self.name = name
  }

  deinit { clReleaseKernel(handle) }

  /// Sets every argument in order.
  func setArgs(_ args: [KernelArg]) throws {
    for (i, arg) in args.enumerated() {
      let index = cl_uint(i)
      let status: cl_int
      switch arg {
      case let .buffer(b):
        var mem: cl_mem? = b.handle
        status = clSetKernelArg(handle, index, MemoryLayout<cl_mem?>.size, &mem)
      case var .int(v): status = clSetKernelArg(handle, index, MemoryLayout<Int32>.size, &v)
      case var .long(v): status = clSetKernelArg(handle, index, MemoryLayout<Int64>.size, &v)
      case var .ulong(v): status = clSetKernelArg(handle, index, MemoryLayout<UInt64>.size, &v)
      case var .float(v): status = clSetKernelArg(handle, index, MemoryLayout<Float>.size, &v)
      }
      try check(status, "clSetKernelArg(\(name), \(i))")
    }
  }
}
