/// The model under attack: trained from a recipe on the embedded digits, or loaded from a file.
///
/// ```json
/// "victim": { "recipe": "mlp:64-128-64-10", "epochs": 30, "seed": 1 }
/// "victim": { "model": "victim.gmodel" }
/// ```
public enum VictimConfig: Sendable, Hashable, Codable {
  /// A `ModelSpec` text (`mlp:64-128-64-10`, `cnn:digits`) trained with Adam (lr 2e-3, batch 32).
  case recipe(spec: String, epochs: Int, seed: UInt64)
  /// A `.gmodel` or PyTorch-exported `.safetensors` file (resolved against the config's folder).
  case model(path: String)

  public var description: String {
    switch self {
    case let .recipe(spec, epochs, seed): return "\(spec) trained \(epochs) epochs, seed \(seed)"
    case let .model(path): return path
    }
  }
}
