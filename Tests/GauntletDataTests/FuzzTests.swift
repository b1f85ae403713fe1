import Testing
@testable import GauntletData
import GauntletCore

/// Seeded mutation fuzzing: every parser, fed truncated, bit-flipped, overwritten, spliced and
/// random inputs, must either return a result or throw a `GauntletError`, never trap (a trap
/// would kill the test process) and never allocate from an unchecked header size.
@Suite struct FuzzTests {
  typealias Parser = ([UInt8]) throws -> Void

  static let casesPerSeed = 600

  static func parsers() throws -> [(String, [[UInt8]], Parser)] {
    let st = try SafeTensors(tensors: ["w": SafeTensor(shape: [2, 3], values: Fixture.pattern(6)),
                                       "b": SafeTensor(shape: [3], values: [1, 2, 3])],
                             metadata: ["gauntlet.arch": "mlp:2-3"]).serialized()
    return [
      ("IDX", [try Fixture.bytes("images.idx3-ubyte"), try Fixture.bytes("f4_3x4.idx"), try Fixture.bytes("labels.idx1-ubyte")],
       { _ = try IDXReader.parse($0, path: "fuzz.idx") }),
      ("NPY", [try Fixture.bytes("f4_3x4.npy"), try Fixture.bytes("f4_v2.npy"), try Fixture.bytes("i8_3x4.npy"), try Fixture.bytes("f2_3x4.npy")],
       { _ = try NPYReader.parse($0, path: "fuzz.npy") }),
      ("NPZ", [try Fixture.bytes("arrays.npz"), try Fixture.bytes("compressed.npz")],
       { _ = try NPZReader.parse($0, path: "fuzz.npz") }),
      ("CSV", [try Fixture.bytes("small.csv"), try Fixture.bytes("label_first.csv")],
       { b in
         let t = try CSVReader.parse(b, path: "fuzz.csv", header: b.first == UInt8(ascii: "f"))
         _ = try? CSVReader.dataset(t, label: .last, path: "fuzz.csv", name: "fuzz")
       }),
      ("SafeTensors", [st, try Fixture.bytes("reference.safetensors")],
       { _ = try SafeTensors.parse($0, path: "fuzz.safetensors") }),
    ]
  }

  /// One mutation of `seed` chosen by `rng`.
  static func mutate(_ seed: [UInt8], _ rng: inout PhiloxWords) -> [UInt8] {
    var b = seed
    let n = max(b.count, 1)
    switch rng.below(7) {
    case 0:  // truncation
      b = Array(b.prefix(Int(rng.below(UInt32(n)))))
    case 1:  // bit flips
      for _ in 0 ... rng.below(8) where !b.isEmpty { b[Int(rng.below(UInt32(b.count)))] ^= 1 << UInt8(rng.below(8)) }
    case 2:  // random bytes overwritten, biased towards the header
      let span = UInt32(min(b.count, 64))
      for _ in 0 ... rng.below(6) where span > 0 { b[Int(rng.below(span))] = UInt8(truncatingIfNeeded: rng.next()) }
    case 3:  // an extreme length / dimension field somewhere in the first 80 bytes
      let at = Int(rng.below(UInt32(min(max(b.count - 8, 1), 80))))
      let fill: [UInt8] = rng.below(2) == 0 ? [UInt8](repeating: 0xFF, count: 8)
                                              : (0 ..< 8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      for k in 0 ..< 8 where at + k < b.count { b[at + k] = fill[k] }
    case 4:  // insertion or deletion
      let at = Int(rng.below(UInt32(b.count + 1)))
      if rng.below(2) == 0 || b.isEmpty { b.insert(UInt8(truncatingIfNeeded: rng.next()), at: at) } else { b.remove(at: min(at, b.count - 1)) }
    case 5:  // the tail of the file overwritten (central directories, data)
      for _ in 0 ... rng.below(4) where !b.isEmpty {
        let tail = UInt32(min(b.count, 64))
        b[b.count - 1 - Int(rng.below(tail))] = UInt8(truncatingIfNeeded: rng.next())
      }
    default:  // the valid prefix, then random garbage
      b = Array(b.prefix(Int(rng.below(UInt32(min(n, 32))))))
      for _ in 0 ..< rng.below(200) { b.append(UInt8(truncatingIfNeeded: rng.next())) }
    }
    return b
  }

  @Test func everyParserSurvivesMutatedInput() throws {
    var outcomes: [String: (ok: Int, failed: Int)] = [:]
    let compressed = try Fixture.bytes("compressed.npz")  // a seed that is rejected (deflate)
    for (p, (name, seeds, parse)) in try Self.parsers().enumerated() {
      var rng = PhiloxWords(key: PhiloxKey(seed: 0xF022, stream: UInt64(p)))
      for seed in seeds {
        if seed.count != compressed.count || seed != compressed { try parse(seed) }  // valid seeds parse
        for _ in 0 ..< Self.casesPerSeed {
          let input = Self.mutate(seed, &rng)
          do {
            try parse(input)
            outcomes[name, default: (0, 0)].ok += 1
          } catch is GauntletError {
            outcomes[name, default: (0, 0)].failed += 1
          } catch {
            Issue.record("\(name): non-Gauntlet error \(error) for \(input.count)-byte input")
          }
        }
      }
    }
    // Both outcomes occur for every format, so the mutations reach past the first checks.
    for (name, o) in outcomes { #expect(o.ok > 0 && o.failed > 0, "\(name): \(o)") }
    #expect(outcomes.count == 5)
  }

  @Test func pureRandomBytes() throws {
    var rng = PhiloxWords(key: PhiloxKey(seed: 0xF023))
    let parsers = try Self.parsers()
    for _ in 0 ..< 1000 {
      let input = (0 ..< rng.below(120)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
      for (name, _, parse) in parsers {
        do { try parse(input) } catch is GauntletError {} catch { Issue.record("\(name): \(error)") }
      }
    }
  }
}
