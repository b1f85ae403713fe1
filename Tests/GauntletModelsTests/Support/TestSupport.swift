import Foundation
import Gauntlet

/// The backend the model tests run on.
func testBackend() -> Backend { CPUBackend() }

/// Deterministic test values in [lo, hi) from Philox (host side).
func values(_ count: Int, seed: UInt64, lo: Float = -1, hi: Float = 1) -> [Float] {
  Philox.fill(.uniform(lo: lo, hi: hi), key: PhiloxKey(seed: seed, stream: 99), counter: 0, count: count)
}

/// Values in [lo, hi) whose magnitudes are at least `gap` (away from ReLU kinks at 0).
func valuesAwayFromZero(_ count: Int, seed: UInt64, gap: Float = 0.1) -> [Float] {
  values(count, seed: seed).map { $0 >= 0 ? $0 + gap : $0 - gap }
}

/// Result of comparing an analytic gradient with central finite differences.
struct GradientComparison {
  var worst: Float = 0
  var worstIndex = -1
  var checked = 0
  /// Max over entries of |analytic − numeric| / (abs + rel·|numeric|); ≤ 1 passes.
  mutating func add(_ analytic: Float, _ numeric: Float, index: Int, abs: Float, rel: Float) {
    let r = Swift.abs(analytic - numeric) / (abs + rel * Swift.abs(numeric))
    if r > worst { worst = r; worstIndex = index }
    checked += 1
  }
}

/// `L(x) = Σ w ⊙ logits(x)` in Double, through the inference function.
func projectedLogits(_ model: Sequential, _ x: [Float], shape: [Int], _ w: [Float]) throws -> Double {
  let z = try model.logits(Tensor(x, shape: shape, on: model.backend)).toArray()
  return zip(z, w).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Checks ∂L/∂x and ∂L/∂θ (L = Σ w ⊙ logits) of `model` at `x` against central differences with
/// step `h`. Returns (input comparison, parameter comparison).
func checkModelGradients(_ model: Sequential, x: [Float], shape: [Int], h: Float = 1e-2,
                         abs: Float = 2e-3, rel: Float = 2e-2, maxParameterEntries: Int = 400,
                         seed: UInt64 = 5) throws -> (input: GradientComparison, parameters: GradientComparison) {
  let be = model.backend
  let batch = shape[0]
  let w = values(batch * model.classCount, seed: seed)
  let xt = try Tensor(x, shape: shape, on: be)
  _ = try model.forward(xt, mode: ForwardMode(training: false, recordForBackward: true))
  let dx = try model.backward(gradLogits: Tensor(w, shape: [batch, model.classCount], on: be)).toArray()
  let grads = try model.parameters.map { try be.download($0.gradient, offset: 0, count: $0.count) }

  var inputCmp = GradientComparison()
  for i in x.indices {
    var xp = x, xm = x
    xp[i] += h; xm[i] -= h
    let num = (try projectedLogits(model, xp, shape: shape, w) - projectedLogits(model, xm, shape: shape, w)) / Double(2 * h)
    inputCmp.add(dx[i], Float(num), index: i, abs: abs, rel: rel)
  }
  var paramCmp = GradientComparison()
  var flat = 0
  for (pi, p) in model.parameters.enumerated() {
    let original = try p.values()
    let stride = max(1, original.count / maxParameterEntries)
    for j in Swift.stride(from: 0, to: original.count, by: stride) {
      var v = original
      v[j] = original[j] + h; try p.load(v)
      let lp = try projectedLogits(model, x, shape: shape, w)
      v[j] = original[j] - h; try p.load(v)
      let lm = try projectedLogits(model, x, shape: shape, w)
      paramCmp.add(grads[pi][j], Float((lp - lm) / Double(2 * h)), index: flat + j, abs: abs, rel: rel)
    }
    try p.load(original)
    flat += original.count
  }
  return (inputCmp, paramCmp)
}

/// Paths of the PyTorch fixtures in GauntletDataTests, reached through `#filePath`.
func dataFixture(_ name: String, file: String = #filePath) -> String {
  URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Tests")
    .appendingPathComponent("GauntletDataTests/Fixtures").appendingPathComponent(name).path
}

/// A fresh temporary directory, removed by the caller with `removeTemp`.
func tempDir() throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gauntlet-models-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir.path
}

func removeTemp(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

/// Whether `body` throws a `GauntletError` matching `predicate`.
func throwsError(_ body: () throws -> Void, where predicate: (GauntletError) -> Bool) -> Bool {
  do { try body(); return false } catch let e as GauntletError { return predicate(e) } catch { return false }
}
