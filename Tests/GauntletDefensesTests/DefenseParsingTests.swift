import Testing
@testable import Gauntlet

@Suite("Defense chain parsing")
struct DefenseParsingTests {
  let ctx = DefenseContext(surrogate: try! LinearModel(features: 3, classes: 4, seed: 1), key: 3)

  @Test func examplesParse() throws {
    #expect(try DefenseChain(parsing: "round:2,topk:3").spec == "round:decimals=2,topk:k=3")
    #expect(try DefenseChain(parsing: "reverse-sigmoid:beta=1,gamma=0.1").spec == "reverse-sigmoid:beta=1,gamma=0.1")
    #expect(try DefenseChain(parsing: "noise:gaussian,sigma=0.05").spec == "noise:gaussian,sigma=0.05,space=probabilities,key=0")
    #expect(try DefenseChain(parsing: " ROUND : 2 ; label ").spec == "round:decimals=2,label-only")
    #expect(try DefenseChain(parsing: "none").isEmpty)
    #expect(try DefenseChain(parsing: "noise:laplace,scale=0.2", context: ctx).spec.hasSuffix("key=3"))
    #expect(try DefenseChain(parsing: "dawn:0.1").watermark?.rate == 0.1)
  }

  @Test(arguments: ["round:4", "topk:k=2,renormalize=true", "label-only", "threshold:0.25",
                    "noise:laplace,sigma=0.3,space=logits,key=12", "reverse-sigmoid:beta=0.7,gamma=0.05",
                    "mad:epsilon=0.5,norm=l2,argmax=true", "am:tau=0.4,nu=30", "deceptive:beta=0.5",
                    "dawn:rate=0.02,key=99", "round:2,noise:gaussian,sigma=0.1,topk:3"])
  func specRoundTrips(_ text: String) throws {
    let chain = try DefenseChain(parsing: text, context: ctx)
    let again = try DefenseChain(parsing: chain.spec, context: ctx)
    #expect(again.spec == chain.spec)
  }

  @Test(arguments: [
    ("fuzz:1", "unknown defense 'fuzz'"), ("round:9", "0…8"), ("round:x", "integer"), ("round", "required"),
    ("topk:0", "≥ 1"), ("threshold:1.5", "0.0…1.0"), ("noise:pink,sigma=1", "valid: gaussian, laplace"),
    ("noise:gaussian,sigma=-1", "≥ 0"), ("noise:gaussian", "required"), ("noise:gaussian,sigma=1,scale=1", "not both"),
    ("reverse-sigmoid:beta=0", "> 0"), ("reverse-sigmoid:beta=1,gamma=nan", "finite"), ("mad:0.5", "surrogate"),
    ("am:tau=2", "0.0…1.0"), ("deceptive:1.5", "0.0…1.0"), ("dawn:0", "(0, 0.5]"), ("dawn:0.1,key=-1", "non-negative"),
    ("round:2,bogus=1", "valid for round: decimals"), ("beta=1", "no defense before it"), ("round:2,,topk:3", "empty item"),
    ("", "empty spec"), ("label-only:3", "no positional"), ("round:2,decimals=3", "given twice"),
    ("topk:2,renormalize=maybe", "true or false"),
  ])
  func badSpecsAreRejectedWithHelpfulMessages(_ text: String, _ expected: String) {
    do {
      _ = try DefenseChain(parsing: text)
      Issue.record("'\(text)' parsed")
    } catch let e as GauntletError {
      #expect(e.description.contains(expected), "\(e.description)")
    } catch { Issue.record("\(error)") }
  }

  @Test func unknownNamesListTheValidOnes() {
    do { _ = try DefenseChain(parsing: "jpeg:75"); Issue.record("parsed") } catch {
      let text = "\(error)"
      for e in DefenseCatalog.entries { #expect(text.contains(e.name)) }
    }
  }

  @Test func topKAboveTheClassCountFailsWhenDeployed() throws {
    let model = try LinearModel(features: 3, classes: 4, seed: 1)
    #expect(throws: GauntletError.self) {
      try Oracle(model: model, configuration: OracleConfiguration(defenses: DefenseChain(parsing: "topk:5")))
    }
    let wrongSurrogate = DefenseContext(surrogate: try LinearModel(features: 3, classes: 5, seed: 1))
    #expect(throws: GauntletError.self) {
      try Oracle(model: model, configuration: OracleConfiguration(defenses: DefenseChain(parsing: "mad:0.5", context: wrongSurrogate)))
    }
    let otherBackend = DefenseContext(surrogate: try LinearModel(weights: values(12, seed: 1), bias: [0, 0, 0, 0], on: CPUBackend()))
    #expect(throws: GauntletError.self) {
      try Oracle(model: model, configuration: OracleConfiguration(defenses: DefenseChain(parsing: "mad:0.5", context: otherBackend)))
    }
  }

  @Test func monitorsParse() throws {
    let m = try MonitorCatalog.parse("prada:0.95,window=500,knn:k=10,threshold=0.5,rate:window=60,max=100")
    #expect(m.map(\.name) == ["prada", "stateful-knn", "query-rate"])
    #expect((m[0] as? PRADAMonitor)?.delta == 0.95 && (m[0] as? PRADAMonitor)?.window == 500)
    #expect(try MonitorCatalog.parse("none").isEmpty)
    for bad in ["prada:1.5", "knn:k=5", "rate:window=0,max=1", "sniffer", "prada:0.9,depth=3"] {
      #expect(throws: GauntletError.self, "\(bad)") { try MonitorCatalog.parse(bad) }
    }
  }
}
