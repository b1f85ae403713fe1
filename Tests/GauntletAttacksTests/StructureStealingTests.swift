import Foundation
import Testing
import Gauntlet

/// Structure stealing and functionally-equivalent extraction (Carlini et al. 2020; Rolnick &
/// Kording 2020; Jagielski et al. 2020) of one-hidden-layer ReLU nets on the digits inputs.
@Suite struct StructureStealingTests {

  @Test(arguments: [8, 16, 32])
  func recoversWidthAndRowsOnEveryBackend(width: Int) throws {
    for be in Fixtures.backends where width < 32 || be === Fixtures.cpu {
      let victim = try StructureVictims.relu(width: width, on: be)
      let session = try StructureVictims.oracle(victim).session(client: "thief")
      let r = try StructureStealing.run(session: session, reference: victim)
      #expect(r.trueWidthInBox == width, "every unit of the test victim switches inside the box")
      #expect(r.recoveredWidth == width && r.linearUnits == 0, "\(be.name): \(r.architecture) vs \(r.trueArchitecture!)")
      #expect(r.architecture == "mlp:64-\(width)-10")
      #expect(r.matchedUnits == width && r.signsCorrect == width, "\(be.name): \(r.matchedUnits!) matched, \(r.signsCorrect!) signs")
      #expect(r.minWeightCosine! >= 0.9999, "\(be.name): min |cos| \(r.minWeightCosine!)")
      #expect(r.relativeLogitDifference! <= 1e-3, "\(be.name): relative logit difference \(r.relativeLogitDifference!)")
      #expect(session.usage.answered.total == r.queries, "every row is counted")
      #expect(r.queriesByStage.values.reduce(0, +) == r.queries)
    }
  }

  @Test func probabilitiesModeAndExtractedModel() throws {
    let be = Fixtures.backends.last!
    let victim = try StructureVictims.relu(width: 8, on: be)
    let session = try StructureVictims.oracle(victim, mode: .probabilities).session(client: "p")
    let r = try StructureStealing.run(session: session, options: .init(lines: 24, validationPoints: 64), reference: victim)
    #expect(r.recoveredWidth == 8 && r.matchedUnits == 8, "\(r.architecture)")
    #expect(r.relativeLogitDifference! <= 1e-3, "\(r.relativeLogitDifference!)")
    // The extracted network as a Sequential on the backend agrees with the victim's logits.
    let stolen = try r.network.makeModel(inputShape: victim.inputShape, on: be)
    let (_, test) = try Datasets.digitsTrainTest()
    let x = try Tensor(Array(test.features.prefix(50 * 64)), shape: [50, 64], on: be)
    let a = try stolen.logits(x).toArray(), b = try victim.logits(x).toArray()
    var worst: Float = 0, scale: Float = 0
    for row in 0..<50 {
      let ma = a[(row * 10)..<(row * 10 + 10)].reduce(0, +) / 10, mb = b[(row * 10)..<(row * 10 + 10)].reduce(0, +) / 10
      for k in 0..<10 {
        worst = max(worst, abs((a[row * 10 + k] - ma) - (b[row * 10 + k] - mb)))
        scale = max(scale, abs(b[row * 10 + k] - mb))
      }
    }
    #expect(worst / scale <= 1e-3, "extracted model vs victim on test digits: \(worst) of \(scale)")
    #expect(try stolen.predictions(x) == victim.predictions(x))
  }

  @Test func hyperplaneFollowingAddsPointsAndKeepsTheRows() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.relu(width: 8, on: be)
    let session = try StructureVictims.oracle(victim).session(client: "f")
    let r = try StructureStealing.run(session: session, options: .init(lines: 16, minMembers: 12, validationPoints: 64),
                                      reference: victim)
    #expect((r.queriesByStage["hyperplane following"] ?? 0) > 0)
    let decoded = try JSONDecoder().decode(StructureStealingReport.self, from: JSONEncoder().encode(r))
    #expect(decoded == r, "the report round-trips through JSON")
    #expect(r.recoveredWidth == 8 && r.matchedUnits == 8, "\(r.architecture)")
    #expect(r.minWeightCosine! >= 0.9999 && r.relativeLogitDifference! <= 1e-3,
            "\(r.minWeightCosine!) \(r.relativeLogitDifference!)")
  }

  @Test func budgetIsRespected() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.relu(width: 8, on: be)
    let options = StructureStealing.Options(lines: 8, validationPoints: 32)
    let floor = options.minimumQueries(inputCount: 64)
    // Below the floor: refused before any query.
    let short = try StructureVictims.oracle(victim, budget: floor - 1).session(client: "s")
    do {
      _ = try StructureStealing.run(session: short, options: options)
      Issue.record("a budget below the floor must be refused")
    } catch let ExactExtractionError.budgetTooSmall(needed, available, _) {
      #expect(needed == floor && available == floor - 1)
    }
    #expect(short.usage.answered.total == 0)
    // Above the floor but below what the run needs: stops at the cap, never beyond.
    var capped = options
    capped.maxQueries = floor + 50
    let s2 = try StructureVictims.oracle(victim).session(client: "c")
    #expect(throws: ExactExtractionError.self) { try StructureStealing.run(session: s2, options: capped) }
    #expect(s2.usage.answered.total <= floor + 50)
    // A generous cap: the run fits inside it.
    capped.maxQueries = 20_000
    let s3 = try StructureVictims.oracle(victim).session(client: "g")
    let r = try StructureStealing.run(session: s3, options: capped)
    #expect(r.queries <= 20_000 && s3.usage.answered.total == r.queries)
  }

  @Test func labelOnlyIsRefusedAndLinearVictimsAreReported() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.relu(width: 8, on: be)
    for mode in [OutputMode.label, .topK(2)] {
      let s = try StructureVictims.oracle(victim, mode: mode).session(client: "l")
      do {
        _ = try StructureStealing.run(session: s)
        Issue.record("\(mode) should be refused")
      } catch let e as ExactExtractionError {
        #expect(e == .needsConfidences(mode: mode.description))
        #expect(e.description.contains("label-only"))
      }
      #expect(s.usage.answered.total == 0)
    }
    // Softmax regression has no kink: the attack says so (and points to equation solving).
    let linear = try StructureVictims.softmaxRegression(on: be)
    do {
      _ = try StructureStealing.run(session: StructureVictims.oracle(linear).session(client: "x"),
                                    options: .init(lines: 4, validationPoints: 0))
      Issue.record("a linear victim has no critical points")
    } catch let ExactExtractionError.modelMismatch(detail) {
      #expect(detail.contains("equation solving"))
    }
  }

  @Test func badParametersAreRejected() throws {
    let be = Fixtures.cpu
    let victim = try StructureVictims.relu(width: 8, on: be)
    let s = try StructureVictims.oracle(victim).session(client: "p")
    let bad: [StructureStealing.Options] = [
      .init(lines: 0), .init(initialCells: 0), .init(minWidth: 0), .init(minWidth: 1), .init(tolerance: -1),
      .init(tolerance: .nan), .init(noiseFactor: 0.5), .init(step: 0), .init(step: .infinity), .init(clusterCosine: 1),
      .init(planeTolerance: 0), .init(minMembers: 0), .init(fitPoints: -1), .init(validationPoints: -1), .init(maxQueries: 0),
    ]
    for o in bad {
      #expect(throws: ExactExtractionError.self) { try StructureStealing.run(session: s, options: o) }
    }
    #expect(throws: ExactExtractionError.self) { try StructureStealing.run(session: s, bounds: 0...0) }
    let unbounded = try Oracle(model: victim, configuration: OracleConfiguration(mode: .logits)).session(client: "u")
    #expect(throws: ExactExtractionError.missingBounds) { try StructureStealing.run(session: unbounded) }
    #expect(s.usage.answered.total == 0, "rejected runs spend nothing")
  }
}
