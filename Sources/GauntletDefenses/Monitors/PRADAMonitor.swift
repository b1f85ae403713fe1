import Foundation
import GauntletCore
import GauntletOracle

/// PRADA (Juuti, Szyller, Marchal & Asokan, "PRADA: Protecting Against DNN Model Stealing
/// Attacks", IEEE EuroS&P 2019), Algorithm 1, per client:
///
/// ```
/// c ← label of x
/// if G_c = ∅:  G_c ← {x}, D_Gc ← {0}
/// else:        d ← min_{y ∈ G_c} ‖x − y‖₂;  D ← D ∪ {d}
///              if d > T_c = max(mean(D_Gc) − std(D_Gc), 0):  G_c ← G_c ∪ {x}, D_Gc ← D_Gc ∪ {d}
/// if |D| ≥ minimumDistances and ShapiroWilk(D).W < δ:  flag the client
/// ```
///
/// Benign queries drawn from a natural distribution give roughly normal minimum distances;
/// synthetic extraction queries (small perturbations of a few seeds) do not.
///
/// Bounded state per client (a documented deviation from the paper's unbounded history): each
/// growing set `G_c` keeps its last `maxGrowingSetSize` rows (FIFO) and `D` its last `window`
/// distances (≤ 5000, the Shapiro–Wilk limit): at most `classes·maxGrowingSetSize·features` floats
/// plus `window` doubles. A client whose distances all coincide (repeating one query) counts as
/// W = 0. One alarm per detection episode: the client re-arms once W is back above δ.
/// The test runs every `testEvery` queries (1: exact detection delay).
public final class PRADAMonitor: QueryMonitor, @unchecked Sendable {
  // Safe: per-client state lives in `clients` (a lock per client); the rest is immutable.
  public let name = "prada"
  public let delta: Double
  public let minimumDistances: Int
  public let window: Int
  public let maxGrowingSetSize: Int
  public let testEvery: Int
  private let clients = ClientStates { ClientState() }

  private struct GrowingSet {
    var rows: [[Float]] = []
    var distances: [Double] = []
  }

  private struct ClientState {
    var sets: [Int32: GrowingSet] = [:]
    var distances: [Double] = []
    var seen = 0
    var detected = false
  }

  public init(delta: Double = 0.9, minimumDistances: Int = 100, window: Int = 1000,
              maxGrowingSetSize: Int = 1000, testEvery: Int = 1) throws {
    guard delta > 0, delta < 1 else {
      throw GauntletError.invalidArgument(name: "prada.delta", detail: "must be in (0, 1), got \(delta)")
    }
    guard minimumDistances >= 3, window >= minimumDistances, window <= 5000 else {
      throw GauntletError.invalidArgument(name: "prada.window",
                                          detail: "need 3 ≤ minimumDistances (\(minimumDistances)) ≤ window (\(window)) ≤ 5000")
    }
    guard maxGrowingSetSize >= 1, testEvery >= 1 else {
      throw GauntletError.invalidArgument(name: "prada", detail: "maxGrowingSetSize and testEvery must be ≥ 1")
    }
    self.delta = delta; self.minimumDistances = minimumDistances; self.window = window
    self.maxGrowingSetSize = maxGrowingSetSize; self.testEvery = testEvery
  }

  public func observe(_ batch: MonitoredBatch) -> [MonitorAlarm] {
    clients.with(batch.client) { st in
      var alarms: [MonitorAlarm] = []
      for r in 0..<batch.rows {
        let x = batch.row(r)
        let c = batch.labels[r]
        var g = st.sets[c] ?? GrowingSet()
        if g.rows.isEmpty {
          g.rows.append(Array(x)); g.distances.append(0)
        } else {
          let d = Self.minDistance(x, g.rows)
          st.distances.append(d)
          if st.distances.count > window { st.distances.removeFirst(st.distances.count - window) }
          if d > Self.threshold(g.distances) {
            g.rows.append(Array(x)); g.distances.append(d)
            if g.rows.count > maxGrowingSetSize { g.rows.removeFirst(); g.distances.removeFirst() }
          }
        }
        st.sets[c] = g
        st.seen += 1
        guard st.distances.count >= minimumDistances, st.seen % testEvery == 0 else { continue }
        let w = (try? ShapiroWilk.test(st.distances).w) ?? 0
        if w < delta {
          if !st.detected {
            st.detected = true
            alarms.append(MonitorAlarm(monitor: name, client: batch.client, queryIndex: batch.firstQueryIndex + r,
                                       time: batch.time, statistic: w,
                                       detail: String(format: "Shapiro–Wilk W = %.4f < δ = %.4f over %d distances", w, delta, st.distances.count)))
          }
        } else {
          st.detected = false
        }
      }
      return alarms
    }
  }

  public func reset(client: String) { clients.remove(client) }

  /// Values held for `client` (growing-set floats plus distances): the memory bound in action.
  public func retainedValues(for client: String) -> Int {
    clients.peek(client) { st in
      st.distances.count + st.sets.values.reduce(0) { $0 + $1.rows.reduce(0) { $0 + $1.count } + $1.distances.count }
    } ?? 0
  }

  /// `T = max(mean − std, 0)` of a growing set's distances (population std).
  static func threshold(_ d: [Double]) -> Double {
    guard !d.isEmpty else { return 0 }
    let m = d.reduce(0, +) / Double(d.count)
    let v = d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(d.count)
    return Swift.max(m - v.squareRoot(), 0)
  }

  static func minDistance(_ x: ArraySlice<Float>, _ rows: [[Float]]) -> Double {
    var best = Float.infinity
    x.withUnsafeBufferPointer { xp in
      for y in rows {
        y.withUnsafeBufferPointer { yp in
          var s: Float = 0
          for i in 0..<xp.count {
            let t = xp[i] - yp[i]
            s += t * t
            if s >= best { break }
          }
          if s < best { best = s }
        }
      }
    }
    return Double(best).squareRoot()
  }
}
