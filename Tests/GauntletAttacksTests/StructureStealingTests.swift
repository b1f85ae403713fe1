import Foundation
import Testing
import Gauntlet

@Suite struct StructureStealingTests {
  @Test(arguments: [8, 16, 32])
  func explore(width: Int) throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.relu(width: width, on: be)
    let oracle = try StructureVictims.oracle(victim)
    let r = try StructureStealing.run(session: oracle.session(client: "t"), reference: victim)
    let json = try JSONEncoder().encode(r)
    var obj = try JSONSerialization.jsonObject(with: json) as! [String: Any]
    obj["network"] = nil
    print(obj)
  }
}
