/// Bad simulation input, reported before any work starts (the CLI prints `description`).
public enum SimulationError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The `--mix` text is malformed or its fractions do not sum to 1.
  case badMix(String)
  /// A client kind the simulator does not know.
  case unknownClientKind(String)
  /// A client kind the simulator knows but cannot run in this build.
  case unavailableClientKind(String, reason: String)
  /// `--clients 0` (or negative).
  case noClients
  /// Any other parameter out of range.
  case badParameter(name: String, detail: String)

  public var description: String {
    switch self {
    case let .badMix(d): return "bad --mix: \(d)"
    case let .unknownClientKind(k):
      return "unknown client kind '\(k)'; valid kinds: \(ClientKind.allCases.map(\.rawValue).joined(separator: ", "))"
    case let .unavailableClientKind(k, reason): return "client kind '\(k)' is not available: \(reason)"
    case .noClients: return "--clients must be ≥ 1"
    case let .badParameter(name, detail): return "bad \(name): \(detail)"
    }
  }
}
