import GauntletCore

/// Builds score-based attacks from text, for the CLI (`--attack square:eps=0.1,iters=1000`).
///
/// `NAME[:key=value,…]` with NAME one of:
/// - `square` — `eps`, `norm` (`linf`|`l2`), `queries` (or `iters`), `p`, `loss`, `seed`
/// - `simba` — `basis` (`pixel`|`dct`), `eps`, `queries`, `init`, `stride`, `seed`
/// - `zoo` — `c`, `kappa`, `lr`, `b` (coordinates per step), `h`, `queries`, `search`,
///   `importance` (0|1), `resize`, `seed`
/// - `nes` — `eps`, `norm`, `queries`, `sigma`, `q`, `step`, `loss`, `seed`
/// - `spsa` — `eps`, `norm`, `queries`, `delta`, `q`, `lr`, `loss`, `seed`
/// - `prgf` — `eps`, `norm`, `queries`, `sigma`, `q`, `s`, `step`, `loss`, `seed` (needs a surrogate)
///
/// `loss` is `margin`, `crossEntropy` (or `ce`) or `probability`. Unknown names, keys and
/// malformed values are rejected with the list of valid ones.
///
/// ```swift
/// let attack = try ScoreAttackSpec.parse("square:eps=0.2,queries=1000")
/// ```
public enum ScoreAttackSpec {
  public static let names = ["square", "simba", "zoo", "nes", "spsa", "prgf"]

  public static func parse(_ text: String, surrogate: (any DifferentiableModel)? = nil) throws -> any ScoreBasedAttack {
    let t = text.trimmingCharactersInSpaces()
    let (name, rest) = t.firstIndex(of: ":").map { (String(t[..<$0]).lowercased(), String(t[t.index(after: $0)...])) } ?? (t.lowercased(), "")
    var kv = Keys(spec: text)
    for part in rest.split(separator: ",") where !part.isEmpty {
      let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharactersInSpaces() }
      guard pair.count == 2, !pair[0].isEmpty else {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': '\(part)' is not key=value")
      }
      kv.values[pair[0].lowercased()] = pair[1]
    }
    let attack: any ScoreBasedAttack
    switch name {
    case "square":
      attack = try SquareAttack(norm: kv.norm(), epsilon: kv.float("eps", nil), maxQueries: kv.int("queries", kv.int("iters", 1_000)),
                                pInit: kv.float("p", 0.3), loss: kv.loss(nil), seed: kv.seed())
    case "simba":
      let basis: SimBA.Basis
      switch kv.string("basis", "pixel") {
      case "pixel": basis = .pixel
      case "dct": basis = .dct(initialSize: try kv.int("init", 4), stride: try kv.int("stride", 1))
      case let b: throw GauntletError.invalidArgument(name: "basis", detail: "'\(b)': use pixel or dct")
      }
      attack = try SimBA(basis: basis, epsilon: kv.float("eps", 0.2), maxQueries: kv.int("queries", 1_000), seed: kv.seed())
    case "zoo":
      attack = try ZOOAttack(c: kv.float("c", 10), confidence: kv.float("kappa", 0), learningRate: kv.float("lr", 0.01),
                             coordinatesPerStep: kv.int("b", 128), h: kv.float("h", 0.0001), maxQueries: kv.int("queries", 10_000),
                             binarySearchSteps: kv.int("search", 1), importanceSampling: kv.int("importance", 0) != 0,
                             reducedSide: kv.values["resize"] == nil ? nil : kv.int("resize", 0), seed: kv.seed())
    case "nes":
      let eps = try kv.float("eps", nil)
      attack = try GradientEstimationAttack.nes(norm: kv.norm(), epsilon: eps, maxQueries: kv.int("queries", 2_000),
                                                sigma: kv.float("sigma", 0.001), q: kv.int("q", 25),
                                                stepSize: kv.float("step", eps / 5), loss: kv.loss(.crossEntropy) ?? .crossEntropy,
                                                seed: kv.seed())
    case "spsa":
      attack = try GradientEstimationAttack.spsa(norm: kv.norm(), epsilon: kv.float("eps", nil), maxQueries: kv.int("queries", 2_000),
                                                 delta: kv.float("delta", 0.01), q: kv.int("q", 32), learningRate: kv.float("lr", 0.01),
                                                 loss: kv.loss(.margin) ?? .margin, seed: kv.seed())
    case "prgf":
      guard let surrogate else {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(text)': prgf needs a surrogate model (--surrogate FILE)")
      }
      let eps = try kv.float("eps", nil)
      attack = try GradientEstimationAttack.prgf(surrogate: surrogate, norm: kv.norm(), epsilon: eps,
                                                 maxQueries: kv.int("queries", 2_000), sigma: kv.float("sigma", 0.001),
                                                 q: kv.int("q", 10), normSamples: kv.int("s", 10), stepSize: kv.float("step", eps / 5),
                                                 loss: kv.loss(.margin) ?? .margin, seed: kv.seed())
    default:
      throw GauntletError.invalidArgument(name: "attack", detail: "unknown score-based attack '\(name)'; choose one of \(names.joined(separator: ", "))")
    }
    try kv.checkAllUsed(name)
    return attack
  }

  /// Key–value pairs of one spec, remembering which were read.
  struct Keys {
    let spec: String
    var values: [String: String] = [:]
    private(set) var used: Set<String> = []
    init(spec: String) { self.spec = spec }

    mutating func string(_ k: String, _ d: String) -> String { used.insert(k); return values[k]?.lowercased() ?? d }

    mutating func float(_ k: String, _ d: Float?) throws -> Float {
      used.insert(k)
      guard let s = values[k] else {
        if let d { return d }
        throw GauntletError.invalidArgument(name: k, detail: "'\(spec)' needs \(k)=<number>")
      }
      guard let v = Float(s), v.isFinite else { throw GauntletError.invalidArgument(name: k, detail: "'\(s)' is not a finite number") }
      return v
    }

    mutating func int(_ k: String, _ d: Int) throws -> Int {
      used.insert(k)
      guard let s = values[k] else { return d }
      guard let v = Int(s) else { throw GauntletError.invalidArgument(name: k, detail: "'\(s)' is not an integer") }
      return v
    }

    mutating func seed() throws -> UInt64 {
      used.insert("seed")
      guard let s = values["seed"] else { return 0 }
      guard let v = UInt64(s) else { throw GauntletError.invalidArgument(name: "seed", detail: "'\(s)' is not a non-negative integer") }
      return v
    }

    mutating func norm() throws -> Norm {
      switch string("norm", "linf") {
      case "linf", "inf": return .linf
      case "l2", "2": return .l2
      case let n: throw GauntletError.invalidArgument(name: "norm", detail: "'\(n)': use linf or l2")
      }
    }

    mutating func loss(_ d: ScoreLoss?) throws -> ScoreLoss? {
      guard let s = values["loss"] else { used.insert("loss"); return d }
      used.insert("loss")
      switch s.lowercased() {
      case "margin": return .margin
      case "ce", "crossentropy", "cross-entropy": return .crossEntropy
      case "probability", "prob": return .probability
      default: throw GauntletError.invalidArgument(name: "loss", detail: "'\(s)': use margin, ce or probability")
      }
    }

    func checkAllUsed(_ name: String) throws {
      let unknown = Set(values.keys).subtracting(used)
      if let k = unknown.sorted().first {
        throw GauntletError.invalidArgument(name: "attack", detail: "'\(spec)': \(name) has no parameter '\(k)'; it takes \(used.sorted().joined(separator: ", "))")
      }
    }
  }
}

extension String {
  func trimmingCharactersInSpaces() -> String {
    var s = Substring(self)
    while s.first?.isWhitespace == true { s = s.dropFirst() }
    while s.last?.isWhitespace == true { s = s.dropLast() }
    return String(s)
  }
}
