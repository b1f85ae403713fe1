import GauntletCore

/// The victim as one attacker's oracle sees it: `logits` sends the rows through the
/// `QueryGateway` into the simulation's next shared batch and returns the model's raw logits
/// (the attacker's `Oracle` then applies the defense chain, monitors and accounting as usual).
final class GatewayClassifier: Classifier, @unchecked Sendable {
  // Safe: immutable; the gateway is thread-safe.
  let backend: Backend
  let inputShape: [Int]
  let classCount: Int
  let slot: Int
  let gateway: QueryGateway
  /// Rows that reached the model for this attacker (written only on its own thread).
  private(set) var rowsAnswered = 0

  init(backend: Backend, inputShape: [Int], classCount: Int, slot: Int, gateway: QueryGateway) {
    self.backend = backend; self.inputShape = inputShape; self.classCount = classCount
    self.slot = slot; self.gateway = gateway
  }

  func logits(_ x: Tensor) throws -> Tensor {
    let n = x.shape[0]
    let z = try gateway.submit(slot: slot, rows: try x.toArray())
    rowsAnswered += n
    return try Tensor(z, shape: [n, classCount], on: backend)
  }
}
