/// Anything that maps a batch of inputs to class logits: the victim behind an oracle, a stolen
/// substitute, a surrogate. Black-box code never receives one directly (it gets an `Oracle`).
public protocol Classifier: AnyObject, Sendable {
  var backend: Backend { get }
  /// Shape of one input sample, e.g. `[64]` or `[1, 8, 8]`.
  var inputShape: [Int] { get }
  var classCount: Int { get }
  /// `x`: `[batch] + inputShape` (or `[batch, features]`) → `[batch, classCount]` logits.
  func logits(_ x: Tensor) throws -> Tensor
}

/// A classifier whose input gradients are available: what white-box attacks receive.
public protocol DifferentiableModel: Classifier {
  /// Back-propagates `gradLogits` (`[batch, classCount]`, ∂L/∂logits) to the input:
  /// returns ∂L/∂x with the shape of `x`. Parameters are not changed.
  func inputGradient(_ x: Tensor, gradLogits: Tensor) throws -> Tensor
}
