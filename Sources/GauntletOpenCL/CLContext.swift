import COpenCL

// Thin owners of OpenCL handles (after tinygrad's ops_cl.py): each class owns one handle, releases
// it in `deinit` (never throwing there) and holds its parent strongly, so a context outlives every
// queue, program and buffer made from it.

/// Owns a `cl_context` on one device.
///
/// `@unchecked Sendable`: the handle is immutable after `init`, and the OpenCL 1.2 specification
/// (appendix A.2) makes every API call on contexts thread-safe.
final class CLContext: @unchecked Sendable {
  let handle: cl_context
  let device: cl_device_id

  init(device: cl_device_id) throws {
    var status: cl_int = CL_SUCCESS
    var dev: cl_device_id? = device
    guard let h = clCreateContext(nil, 1, &dev, nil, nil, &status) else {
      try check(status == CL_SUCCESS ? CL_OUT_OF_HOST_MEMORY : status, "clCreateContext")
      throw OpenCLError(code: CL_OUT_OF_HOST_MEMORY, call: "clCreateContext")
    }
    try check(status, "clCreateContext")
    self.handle = h
    self.device = device
  }

  deinit { clReleaseContext(handle) }
}

/// Owns a `cl_mem` of `bytes` bytes.
///
/// `@unchecked Sendable`: the handle is immutable; buffer objects may be used from any thread
/// (OpenCL 1.2 A.2); ordering of reads and writes is the queue's job.
final class CLBuffer: @unchecked Sendable {
  let context: CLContext
  let handle: cl_mem
  let bytes: Int

  /// A read-write buffer of `bytes` bytes (at least 1: OpenCL rejects empty buffers).
  init(context: CLContext, bytes: Int) throws {
    var status: cl_int = CL_SUCCESS
    let size = Swift.max(bytes, 1)
    guard let h = clCreateBuffer(context.handle, cl_mem_flags(CL_MEM_READ_WRITE), size, nil, &status) else {
      throw OpenCLError(code: status == CL_SUCCESS ? CL_MEM_OBJECT_ALLOCATION_FAILURE : status, call: "clCreateBuffer")
    }
    try check(status, "clCreateBuffer")
    self.context = context
    self.handle = h
    self.bytes = size
  }

  deinit { clReleaseMemObject(handle) }
}

/// Owns an in-order `cl_command_queue` with profiling enabled.
///
/// `@unchecked Sendable`: enqueue calls are thread-safe (OpenCL 1.2 A.2). Sequences that must stay
/// together (set arguments, then enqueue) are serialized by the backend's lock.
final class CLQueue: @unchecked Sendable {
  let context: CLContext
  let handle: cl_command_queue

  init(context: CLContext) throws {
    var status: cl_int = CL_SUCCESS
    let props = cl_command_queue_properties(CL_QUEUE_PROFILING_ENABLE)
    guard let h = clCreateCommandQueue(context.handle, context.device, props, &status) else {
      throw OpenCLError(code: status == CL_SUCCESS ? CL_OUT_OF_HOST_MEMORY : status, call: "clCreateCommandQueue")
    }
    try check(status, "clCreateCommandQueue")
    self.context = context
    self.handle = h
  }

  deinit { clReleaseCommandQueue(handle) }

  /// Blocking write of `bytes` bytes from `source` at byte `offset` of `buffer`.
  func write(_ buffer: CLBuffer, offset: Int, from source: UnsafeRawPointer, bytes: Int) throws {
    guard bytes > 0 else { return }
    try check(clEnqueueWriteBuffer(handle, buffer.handle, cl_bool(CL_TRUE), offset, bytes, source, 0, nil, nil),
              "clEnqueueWriteBuffer")
  }

  /// Blocking read (waits for all earlier commands, the queue being in order).
  func read(_ buffer: CLBuffer, offset: Int, into target: UnsafeMutableRawPointer, bytes: Int) throws {
    guard bytes > 0 else { return }
    try check(clEnqueueReadBuffer(handle, buffer.handle, cl_bool(CL_TRUE), offset, bytes, target, 0, nil, nil),
              "clEnqueueReadBuffer")
  }

  /// Device-side copy; the regions must not overlap when `src === dst`.
  func copy(_ src: CLBuffer, offset srcOffset: Int, to dst: CLBuffer, offset dstOffset: Int, bytes: Int) throws {
    guard bytes > 0 else { return }
    try check(clEnqueueCopyBuffer(handle, src.handle, dst.handle, srcOffset, dstOffset, bytes, 0, nil, nil),
              "clEnqueueCopyBuffer")
  }

  /// Enqueues `kernel` (whose arguments are set) over `global` work-items in groups of `local`.
  /// `global` must be a multiple of `local` in each dimension; an empty range enqueues nothing.
  func launch(_ kernel: CLKernel, global: [Int], local: [Int]) throws {
    guard !global.contains(0) else { return }
    try global.withUnsafeBufferPointer { g in
      try local.withUnsafeBufferPointer { l in
        try check(clEnqueueNDRangeKernel(handle, kernel.handle, cl_uint(g.count), nil, g.baseAddress,
                                         l.baseAddress, 0, nil, nil),
                  "clEnqueueNDRangeKernel(\(kernel.name))")
      }
    }
  }

  /// Waits for every enqueued command.
  func finish() throws { try check(clFinish(handle), "clFinish") }
}
