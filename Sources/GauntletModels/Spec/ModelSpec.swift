import Foundation
import GauntletCore

/// A model architecture: the per-sample input shape and an ordered layer list. It is the
/// `gauntlet.spec` of a `.gmodel` file and what `build(on:seed:)` turns into a `Sequential`.
///
/// Parsed from strings by `init(parsing:)`:
/// - `mlp:64-128-64-10` — first number the input features, then Dense layers with ReLU between
///   them (none after the last);
/// - `cnn:digits` — a small CNN for `[1, 8, 8]` inputs: conv 3×3×16 pad 1 → ReLU → maxpool 2 →
///   conv 3×3×32 pad 1 → ReLU → maxpool 2 → flatten → dense 128 → ReLU → dense 10;
/// - JSON: `{"input": [1, 8, 8], "layers": [{"type": "conv2d", "filters": 8, "kernel": 3}, …]}`
///   (layer objects as in `LayerSpec`).
///
/// ```swift
/// let spec = try ModelSpec(parsing: "mlp:64-128-64-10")
/// let model = try spec.build(on: backend, seed: 42)
/// model.classCount   // 10
/// ```
public struct ModelSpec: Codable, Sendable, Hashable, CustomStringConvertible {
  /// Per-sample input shape, e.g. `[64]` or `[1, 8, 8]`.
  public var inputShape: [Int]
  public var layers: [LayerSpec]

  private enum CodingKeys: String, CodingKey { case inputShape = "input", layers }

  public init(inputShape: [Int], layers: [LayerSpec]) {
    self.inputShape = inputShape
    self.layers = layers
  }

  /// Parses `mlp:…`, `cnn:digits` or a JSON object (see the type's documentation).
  public init(parsing text: String) throws {
    let s = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if s.hasPrefix("{") {
      do {
        self = try JSONDecoder().decode(ModelSpec.self, from: Data(s.utf8))
      } catch let error as GauntletError {
        throw error
      } catch {
        throw GauntletError.invalidArgument(name: "spec", detail: "invalid JSON model spec: \(Self.explain(error))")
      }
    } else if s.lowercased().hasPrefix("mlp:") {
      let parts = s.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
      let sizes = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard sizes.count == parts.count, sizes.count >= 2, sizes.allSatisfy({ $0 > 0 }) else {
        throw GauntletError.invalidArgument(
          name: "spec", detail: "'\(s)': write mlp:<inputs>-<hidden>-…-<classes> with positive integers, e.g. mlp:64-128-64-10")
      }
      var layers: [LayerSpec] = []
      for (i, units) in sizes.dropFirst().enumerated() {
        if i > 0 { layers.append(.relu) }
        layers.append(.dense(units: units))
      }
      self.init(inputShape: [sizes[0]], layers: layers)
    } else if s.lowercased() == "cnn:digits" {
      self = .digitsCNN
    } else {
      throw GauntletError.invalidArgument(
        name: "spec", detail: "unknown model spec '\(s)'; use mlp:64-128-64-10, cnn:digits or a JSON object {\"input\": [...], \"layers\": [...]}")
    }
    try validate()
  }

  /// The `cnn:digits` architecture.
  public static let digitsCNN = ModelSpec(inputShape: [1, 8, 8], layers: [
    .conv2d(filters: 16, kernel: 3, stride: 1, padding: 1), .relu, .maxPool(size: 2, stride: 2),
    .conv2d(filters: 32, kernel: 3, stride: 1, padding: 1), .relu, .maxPool(size: 2, stride: 2),
    .flatten, .dense(units: 128), .relu, .dense(units: 10),
  ])

  /// Per-sample output shape of every layer, in order.
  public func shapes() throws -> [[Int]] {
    var shape = inputShape
    var out: [[Int]] = []
    for (i, layer) in layers.enumerated() {
      do { shape = try layer.outputShape(for: shape) } catch let GauntletError.invalidArgument(name, detail) {
        throw GauntletError.invalidArgument(name: "layers[\(i)] (\(name))", detail: detail)
      }
      out.append(shape)
    }
    return out
  }

  /// Throws unless every layer fits its input and the model ends in a vector of class scores.
  public func validate() throws {
    guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else {
      throw GauntletError.invalidArgument(name: "spec.input", detail: "input shape \(inputShape) must be non-empty and positive")
    }
    guard !layers.isEmpty else {
      throw GauntletError.invalidArgument(name: "spec.layers", detail: "a model needs at least one layer")
    }
    guard let last = try shapes().last, last.count == 1 else {
      throw GauntletError.invalidArgument(
        name: "spec.layers", detail: "the last layer must output a vector of class scores; add flatten and dense")
    }
  }

  /// Number of classes (the last layer's output size).
  public func classCount() throws -> Int { try shapes().last?.first ?? 0 }

  /// Canonical JSON (sorted keys), as stored in `.gmodel` metadata.
  public func json() throws -> String {
    let enc = JSONEncoder()
    enc.outputFormatting = [.sortedKeys]
    return String(decoding: try enc.encode(self), as: UTF8.self)
  }

  public var description: String { (try? json()) ?? "ModelSpec(\(inputShape), \(layers.count) layers)" }

  static func explain(_ error: Error) -> String {
    switch error {
    case let DecodingError.dataCorrupted(ctx), let DecodingError.typeMismatch(_, ctx),
         let DecodingError.valueNotFound(_, ctx):
      return ctx.debugDescription + " at " + ctx.codingPath.map(\.stringValue).joined(separator: ".")
    case let DecodingError.keyNotFound(key, ctx):
      return "missing key '\(key.stringValue)' at " + ctx.codingPath.map(\.stringValue).joined(separator: ".")
    default:
      return "\(error)"
    }
  }
}
