import Foundation
import GauntletAttacks
import GauntletCore
import GauntletOracle

/// An evasion client: a real score-based attack (`GauntletAttacks`) run to completion on its own
/// thread, through its own `Oracle` (the deployment's defense chain, the shared monitors, its own
/// ledger) whose model is a `GatewayClassifier`, so its rows ride in the simulation's batches.
final class AttackerClient: @unchecked Sendable {
  // Safe: `run` / `failure` are written on the attacker thread before it reports `finish` to the
  // gateway (under the gateway's lock) and read by the loop only after every attacker finished.
  let slot: Int
  let client: Int
  let name: String
  let attack: any ScoreBasedAttack
  let oracle: Oracle
  let model: GatewayClassifier
  let inputs: Tensor
  let labels: [Int32]
  private(set) var run: AttackRun?
  private(set) var failure: String?

  init(slot: Int, client: Int, name: String, attack: any ScoreBasedAttack, oracle: Oracle, model: GatewayClassifier,
       inputs: Tensor, labels: [Int32]) {
    self.slot = slot; self.client = client; self.name = name; self.attack = attack; self.oracle = oracle
    self.model = model; self.inputs = inputs; self.labels = labels
  }

  /// Starts the attack thread; it reports to `gateway` when it ends.
  func start(_ gateway: QueryGateway) {
    let t = Thread { [self] in
      defer { gateway.finish(slot: slot) }
      do { run = try attack.run(oracle.session(client: name), inputs: inputs, labels: labels) } catch {
        failure = "\(error)"
      }
    }
    t.stackSize = 1 << 21
    t.start()
  }
}
