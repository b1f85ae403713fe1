/// Every failure Gauntlet reports is a `GauntletError`: it says what was wrong and what to do.
///
/// The engine never traps on bad input; a caller can always catch, print `description`, and go on.
public enum GauntletError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A size, count or shape did not fit the operation.
  case shapeMismatch(operation: String, detail: String)
  /// A parameter was outside its valid range (a negative ε, k > cols, an unknown name…).
  case invalidArgument(name: String, detail: String)
  /// Input data held NaN or ±Inf where finite values are required.
  case nonFinite(context: String, index: Int)
  /// A buffer from one backend was handed to another.
  case foreignBuffer(operation: String, expected: String, got: String)
  /// The requested backend cannot be used on this machine.
  case backendUnavailable(backend: String, reason: String, remedy: String)
  /// Device memory could not be allocated.
  case allocationFailed(bytes: Int, backend: String, detail: String)
  /// A device kernel failed to build; `log` is the compiler's build log.
  case kernelBuildFailed(program: String, device: String, log: String)
  /// A file could not be read or parsed.
  case malformedFile(path: String, detail: String)
  /// Any other I/O failure.
  case io(path: String, detail: String)
  /// A query budget or rate limit stopped the request.
  case budgetExhausted(client: String, limit: Int, requested: Int, used: Int)
  /// An operation that needs a feature this backend lacks.
  case unsupported(operation: String, backend: String)

  public var description: String {
    switch self {
    case let .shapeMismatch(op, detail):
      return "\(op): shape mismatch: \(detail). Check the sizes passed to \(op)."
    case let .invalidArgument(name, detail):
      return "invalid argument '\(name)': \(detail)"
    case let .nonFinite(context, index):
      return "\(context): non-finite value (NaN or Inf) at index \(index). Clean or rescale the input to finite values."
    case let .foreignBuffer(op, expected, got):
      return "\(op): buffer belongs to backend '\(got)' but was used on '\(expected)'. Copy it through the host (download, then upload) first."
    case let .backendUnavailable(backend, reason, remedy):
      return "backend '\(backend)' is unavailable: \(reason). \(remedy)"
    case let .allocationFailed(bytes, backend, detail):
      return "could not allocate \(bytes) bytes on '\(backend)': \(detail). Use a smaller batch or another device."
    case let .kernelBuildFailed(program, device, log):
      return "OpenCL program '\(program)' failed to build on '\(device)':\n\(log)"
    case let .malformedFile(path, detail):
      return "malformed file '\(path)': \(detail)"
    case let .io(path, detail):
      return "I/O error on '\(path)': \(detail)"
    case let .budgetExhausted(client, limit, requested, used):
      return "query budget exhausted for client '\(client)': limit \(limit), already used \(used), requested \(requested). Raise the budget or stop querying."
    case let .unsupported(op, backend):
      return "\(op) is not supported by backend '\(backend)'"
    }
  }
}
