import Foundation
import GauntletAttacks
import GauntletCore
import GauntletOracle

/// A model thief: a learning-based extraction attack (`Extraction.steal` in `GauntletAttacks`,
/// e.g. Knockoff Nets — Orekondy et al., CVPR 2019 — or JBDA — Papernot et al., AsiaCCS 2017) run
/// on its own thread through its own `Oracle` over the gateway, like `AttackerClient`. It queries
/// its thief data (the training split), trains a substitute, and keeps it for the report's
/// stolen-fidelity measurement (done by the simulator, which may see the victim).
///
/// Substitute training happens between the thief's queries; the loop waits for it (lock step is
/// what makes the run deterministic), so thieves slow the simulation while they train.
final class ThiefClient: GatewayClient, @unchecked Sendable {
  // Safe: `run` / `failure` are written on the thief's thread before it reports `finish` to the
  // gateway and read only after every client finished.
  let slot: Int
  let client: Int
  let name: String
  let spec: ExtractionAttackSpec
  let thief: ThiefData
  let seed: UInt64
  let oracle: Oracle
  let model: GatewayClassifier
  private(set) var run: ExtractionRun?
  private(set) var failure: String?

  init(slot: Int, client: Int, name: String, spec: ExtractionAttackSpec, thief: ThiefData, seed: UInt64, oracle: Oracle,
       model: GatewayClassifier) {
    self.slot = slot; self.client = client; self.name = name; self.spec = spec; self.thief = thief; self.seed = seed
    self.oracle = oracle; self.model = model
  }

  var attackName: String { spec.text }

  func start(_ gateway: QueryGateway) {
    let t = Thread { [self] in
      defer { gateway.finish(slot: slot) }
      do { run = try Extraction.steal(oracle.session(client: name), spec: spec, thief: thief, seed: seed) } catch {
        failure = "\(error)"
      }
    }
    t.stackSize = 1 << 21
    t.start()
  }
}
