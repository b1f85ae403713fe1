import GauntletCore

/// Which learning-based extraction attack to run. Structure-stealing and equation-solving attacks
/// live in `Extraction/Structure/` and are wired in beside these: a new case here, its keys in
/// `ExtractionAttackSpec.methodKeys`, and its branch in `Extraction.steal` (or its own entry point
/// taking the same spec).
public enum ExtractionMethod: String, Sendable, Hashable, Codable, CaseIterable {
  /// Query the thief data as given (no selection) and train a substitute on the answers: plain
  /// substitute training (Tramèr et al. 2016, §5 "model extraction" baseline).
  case substitute
  /// Knockoff Nets (Orekondy, Schiele & Fritz, "Knockoff Nets: Stealing Functionality of
  /// Black-Box Models", CVPR 2019): `strategy=random` or `adaptive` (gradient bandit over thief-data
  /// groups, reward = certainty + diversity + loss).
  case knockoff
  /// Copycat CNN (Correia-Silva et al., "Copycat CNN: Stealing Knowledge by Persuading Confession
  /// with Random Non-Labeled Data", IJCNN 2018): hard labels only, on non-problem-domain data.
  case copycat
  /// Jacobian-based dataset augmentation (Papernot et al., "Practical Black-Box Attacks against
  /// Machine Learning", AsiaCCS 2017).
  case jbda
  /// ActiveThief (Pal et al., "ActiveThief: Model Extraction Using Active Learning and Unannotated
  /// Public Data", AAAI 2020): `strategy=uncertainty` (entropy) or `kcenter` (greedy core-set).
  case activethief
  /// Query synthesis by a genetic algorithm that breeds inputs near the victim's decision boundary
  /// (crossover of parents with different labels, Gaussian mutation, fitness = −top-2 margin).
  case genetic
  /// Query synthesis by gradient descent on the substitute's top-2 margin: points are pushed to
  /// the current substitute's decision boundary, then labelled by the victim.
  case boundary
  /// Data-free model extraction (Truong et al., "Data-Free Model Extraction", CVPR 2021): a small
  /// generator trained with zeroth-order gradient estimates of the victim–student disagreement.
  case dfme
}

/// A parsed extraction attack: `NAME[:key=value,…]`, e.g. `knockoff:budget=1000,strategy=adaptive`.
///
/// Keys every method takes:
/// - `budget` — oracle rows the thief may spend (default 1000); the attack spends at most this.
/// - `arch` — substitute architecture as a `ModelSpec` string with `-` between widths
///   (default `mlp:<features>-128-<classes>`).
/// - `epochs` (default 30; small transcripts get ≥ 600 optimizer steps unless `epochs` is given), `lr` (Adam learning rate, 3e-3), `batch` (32) — substitute training.
/// - `temperature` (or `t`, default 1) — soft targets `softmax(log q / T)`, trained with
///   `Loss.softCrossEntropy(temperature: T)`.
/// - `answers` — `auto` (use scores when revealed, default), `labels` (one-hot even when scores
///   are revealed; Copycat's default).
/// - `seed` (default 0).
///
/// Per method:
/// - `knockoff`: `strategy` (`random`|`adaptive`), `rounds` (adaptive, default 8), `groups`
///   (adaptive: bandit arms when the thief data has no labels, default 10), `alpha` (bandit step 0.5).
/// - `copycat`: nothing more (`answers=labels` implied).
/// - `jbda`: `seeds` (initial points, default 10·classes), `lambda` (step 0.1), `tau` (sign period
///   in rounds, default 3), `rounds` (default: until the budget is spent).
/// - `activethief`: `strategy` (`uncertainty`|`kcenter`), `rounds` (default 8), `initial` (fraction
///   of the budget spent on a random seed set, default 0.1).
/// - `genetic`: `population` (default 100), `mutation` (σ, default 0.1).
/// - `boundary`: `rounds` (default 5), `steps` (GD steps, default 20), `step` (default 0.05),
///   `initial` (fraction spent on thief data first, 0.3).
/// - `dfme`: `nz` (latent size 16), `q` (directions per point 4), `epsilon` (finite-difference
///   step 0.01), `points` (generated points per step 32), `glr` (generator learning rate 1e-3).
///
/// ```swift
/// let spec = try ExtractionAttackSpec(parsing: "knockoff:budget=1000,strategy=adaptive")
/// ```
public struct ExtractionAttackSpec: Sendable, Hashable, Codable, CustomStringConvertible {
  public var method: ExtractionMethod
  public var budget: Int
  /// Every key=value as given (lower-cased keys), validated against the method's keys.
  public var parameters: [String: String]
  /// The text it was parsed from (normalised: lower-case name).
  public var text: String

  public static let commonKeys: Set<String> = ["budget", "arch", "epochs", "lr", "batch", "temperature", "t", "answers", "seed"]

  /// Keys each method takes besides `commonKeys`.
  public static let methodKeys: [ExtractionMethod: Set<String>] = [
    .substitute: [], .copycat: [],
    .knockoff: ["strategy", "rounds", "groups", "alpha"],
    .jbda: ["seeds", "lambda", "tau", "rounds"],
    .activethief: ["strategy", "rounds", "initial"],
    .genetic: ["population", "mutation"],
    .boundary: ["rounds", "steps", "step", "initial"],
    .dfme: ["nz", "q", "epsilon", "points", "glr"],
  ]

  public var description: String { text }

  /// Parses `NAME[:key=value,…]`; throws `GauntletError.invalidArgument` naming the bad part and
  /// the valid choices for unknown names, unknown keys, malformed or out-of-range values.
  public init(parsing text: String) throws {
    let t = text.trimmingCharactersInSpaces()
    let (rawName, rest) = t.firstIndex(of: ":").map { (String(t[..<$0]), String(t[t.index(after: $0)...])) } ?? (t, "")
    let name = rawName.lowercased()
    guard let m = ExtractionMethod(rawValue: name) ?? (name == "active-thief" ? .activethief : nil) else {
      throw GauntletError.invalidArgument(
        name: "attack", detail: "unknown extraction attack '\(rawName)'; choose one of \(ExtractionMethod.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    var params: [String: String] = [:]
    for part in rest.split(separator: ",") where !String(part).trimmingCharactersInSpaces().isEmpty {
      let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharactersInSpaces() }
      guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': '\(part)' is not key=value")
      }
      let key = pair[0].lowercased() == "t" ? "temperature" : pair[0].lowercased()
      guard Self.commonKeys.contains(key) || Self.methodKeys[m, default: []].contains(key) else {
        let valid = Self.commonKeys.union(Self.methodKeys[m, default: []]).subtracting(["t"]).sorted()
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': \(m.rawValue) has no parameter '\(pair[0])'; it takes \(valid.joined(separator: ", "))")
      }
      params[key] = pair[1]
    }
    method = m
    parameters = params
    self.text = ([m.rawValue] + (rest.isEmpty ? [] : [rest])).joined(separator: ":")
    budget = 0
    budget = try int("budget", 1000, min: 1)
    _ = try options()   // validates every value now, not halfway through an attack
  }

  /// The same spec with another budget (for budget curves).
  public func withBudget(_ b: Int) throws -> ExtractionAttackSpec {
    var p = parameters.filter { $0.key != "budget" }.map { "\($0.key)=\($0.value)" }.sorted()
    p.insert("budget=\(b)", at: 0)
    return try ExtractionAttackSpec(parsing: method.rawValue + ":" + p.joined(separator: ","))
  }

  // MARK: Typed access

  func int(_ k: String, _ d: Int, min lo: Int = 0) throws -> Int {
    guard let s = parameters[k] else { return d }
    guard let v = Int(s), v >= lo else {
      throw GauntletError.invalidArgument(name: k, detail: "'\(s)' in '\(text)' must be an integer ≥ \(lo)")
    }
    return v
  }

  func float(_ k: String, _ d: Float, positive: Bool = true, max hi: Float = .infinity) throws -> Float {
    guard let s = parameters[k] else { return d }
    guard let v = Float(s), v.isFinite, positive ? v > 0 : v >= 0, v <= hi else {
      throw GauntletError.invalidArgument(name: k, detail: "'\(s)' in '\(text)' must be a finite number \(positive ? ">" : "≥") 0\(hi.isFinite ? " and ≤ \(hi)" : "")")
    }
    return v
  }

  func choice(_ k: String, _ d: String, _ valid: [String]) throws -> String {
    let v = parameters[k]?.lowercased() ?? d
    guard valid.contains(v) else {
      throw GauntletError.invalidArgument(name: k, detail: "'\(v)' in '\(text)'; use one of \(valid.joined(separator: ", "))")
    }
    return v
  }

  /// All typed options with their defaults, validated.
  public func options() throws -> ExtractionOptions {
    var o = ExtractionOptions()
    o.budget = budget
    o.architecture = parameters["arch"]
    o.epochs = try int("epochs", 30, min: 1)
    o.minimumSteps = parameters["epochs"] == nil ? 600 : 0
    o.learningRate = try float("lr", 3e-3)
    o.batchSize = try int("batch", 32, min: 1)
    o.temperature = try float("temperature", 1)
    o.labelsOnly = try choice("answers", method == .copycat ? "labels" : "auto", ["auto", "labels"]) == "labels"
    o.seed = try parameters["seed"].map { s -> UInt64 in
      guard let v = UInt64(s) else { throw GauntletError.invalidArgument(name: "seed", detail: "'\(s)' is not a non-negative integer") }
      return v
    } ?? 0
    switch method {
    case .knockoff: o.strategy = try choice("strategy", "random", ["random", "adaptive"])
    case .activethief: o.strategy = try choice("strategy", "uncertainty", ["uncertainty", "kcenter"])
    default: o.strategy = ""
    }
    o.rounds = try int("rounds", method == .boundary ? 5 : method == .jbda ? 0 : 8, min: method == .jbda ? 0 : 1)
    o.groups = try int("groups", 10, min: 1)
    o.alpha = try float("alpha", 0.5)
    o.seeds = try int("seeds", 0, min: 0)
    o.lambda = try float("lambda", 0.1)
    o.tau = try int("tau", 3, min: 1)
    o.initialFraction = try float("initial", method == .boundary ? 0.3 : 0.1, max: 1)
    o.population = try int("population", 100, min: 4)
    o.mutation = try float("mutation", 0.1)
    o.steps = try int("steps", 20, min: 1)
    o.stepSize = try float("step", 0.05)
    o.latent = try int("nz", 16, min: 1)
    o.directions = try int("q", 4, min: 1)
    o.epsilon = try float("epsilon", 0.01)
    o.points = try int("points", 32, min: 1)
    o.generatorLearningRate = try float("glr", 1e-3)
    return o
  }
}

/// Typed options of an extraction attack (see `ExtractionAttackSpec` for the keys and defaults).
public struct ExtractionOptions: Sendable, Hashable, Codable {
  public var budget = 1000
  public var architecture: String?
  public var epochs = 30
  /// Small transcripts get at least this many optimizer steps (epochs raised, at most 200);
  /// 0 when `epochs` was given explicitly.
  public var minimumSteps = 600
  public var learningRate: Float = 3e-3
  public var batchSize = 32
  public var temperature: Float = 1
  public var labelsOnly = false
  public var seed: UInt64 = 0
  public var strategy = ""
  public var rounds = 8
  public var groups = 10
  public var alpha: Float = 0.5
  public var seeds = 0
  public var lambda: Float = 0.1
  public var tau = 3
  public var initialFraction: Float = 0.1
  public var population = 100
  public var mutation: Float = 0.1
  public var steps = 20
  public var stepSize: Float = 0.05
  public var latent = 16
  public var directions = 4
  public var epsilon: Float = 0.01
  public var points = 32
  public var generatorLearningRate: Float = 1e-3
  public init() {}
}
