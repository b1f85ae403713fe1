import Foundation
import GauntletAttacks
import GauntletCore
import GauntletOracle

/// An evasion client: a real score-based attack (`GauntletAttacks`) run to completion on its own
/// thread, through its own `Oracle` (the deployment's defense chain, the shared monitors, its own
/// ledger) whose model is a `GatewayClassifier`, so its rows ride in the simulation's batches.
///
/// The client is a stream: when a run ends it attacks the next samples (`samples(round)`), until
/// its budget is refused, the simulation ends, or a run gets no row answered.
final class AttackerClient: GatewayClient, @unchecked Sendable {
  // Safe: `run` / `failure` are written on the attacker thread before it reports `finish` to the
  // gateway (under the gateway's lock) and read by the loop only after every attacker finished.
  let slot: Int
  let client: Int
  let name: String
  let attack: any ScoreBasedAttack
  let oracle: Oracle
  let model: GatewayClassifier
  /// The samples of round `r`: inputs on the oracle's backend and true labels.
  let samples: @Sendable (Int) throws -> (Tensor, [Int32])
  private(set) var attacked = 0
  private(set) var evasions = 0
  private(set) var failure: String?

  init(slot: Int, client: Int, name: String, attack: any ScoreBasedAttack, oracle: Oracle, model: GatewayClassifier,
       samples: @escaping @Sendable (Int) throws -> (Tensor, [Int32])) {
    self.slot = slot; self.client = client; self.name = name; self.attack = attack; self.oracle = oracle
    self.model = model; self.samples = samples
  }

  var attackName: String { attack.name }

  /// Starts the attack thread; it reports to `gateway` when it ends.
  func start(_ gateway: QueryGateway) {
    let t = Thread { [self] in
      defer { gateway.finish(slot: slot) }
      do {
        var round = 0
        while !gateway.isClosed {
          let (x, y) = try samples(round)
          let before = model.rowsAnswered
          let run = try attack.run(oracle.session(client: name), inputs: x, labels: y)
          let answered = model.rowsAnswered - before
          // Samples refused before any row of theirs was answered do not count as attacked.
          if answered > 0 {
            attacked += run.samples.filter { $0.success || $0.totalQueries > 0 }.count
            evasions += run.samples.filter(\.success).count
          }
          if answered == 0 || oracle.usage(of: name).refusedRows > 0 { break }
          round += 1
        }
      } catch {
        failure = "\(error)"
      }
    }
    t.stackSize = 1 << 21
    t.start()
  }
}

/// A client whose rows reach the victim through its own `Oracle` over the `QueryGateway` (evasion
/// attackers and thieves), running on its own thread.
protocol GatewayClient: AnyObject {
  var slot: Int { get }
  var client: Int { get }
  var name: String { get }
  var oracle: Oracle { get }
  var model: GatewayClassifier { get }
  var failure: String? { get }
  var attackName: String { get }
  func start(_ gateway: QueryGateway)
}
