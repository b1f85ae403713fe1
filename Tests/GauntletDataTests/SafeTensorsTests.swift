import Foundation
import Testing
@testable import GauntletData
import GauntletCore

@Suite struct SafeTensorsTests {
  /// A header + data file built by hand, for targeted corruptions.
  func file(_ header: String, data: [UInt8]) -> [UInt8] {
    let h = Array(header.utf8)
    return (0 ..< 8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) } + h + data
  }

  @Test func writeThenReadRoundTrips() throws {
    let st = SafeTensors(tensors: ["b.weight": SafeTensor(shape: [2, 3], values: [1, -2, 3.5, 0, 1e-30, -7]),
                                   "a": SafeTensor(shape: [], values: [42]),
                                   "empty": SafeTensor(shape: [0, 4], values: []),
                                   "ünï \"q\"": SafeTensor(shape: [1], values: [0.25])],
                         metadata: ["gauntlet.arch": "mlp:3-2", "note": "tab\there \\ \"quoted\""])
    let bytes = try st.serialized()
    let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    #expect(headerLength % 8 == 0)
    let dir = try Fixture.tempDir()
    try st.write(path: dir + "/m.safetensors")
    let back = try SafeTensors.read(path: dir + "/m.safetensors")
    #expect(back.tensors == st.tensors && back.metadata == st.metadata)
    // Atomic write leaves no temporary file behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.safetensors"])
    // Keys sorted: "a" is first in the data section.
    #expect(String(decoding: bytes[8 ..< 8 + headerLength], as: UTF8.self).contains("\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}"))
  }

  @Test func writeRejectsBadTensors() {
    #expect(throws: GauntletError.self) { try SafeTensors(tensors: ["x": SafeTensor(shape: [2], values: [1])]).serialized() }
    #expect(throws: GauntletError.self) { try SafeTensors(tensors: ["x": SafeTensor(shape: [1], values: [.infinity])]).serialized() }
    #expect(throws: GauntletError.self) { try SafeTensors(tensors: ["__metadata__": SafeTensor(shape: [1], values: [1])]).serialized() }
  }

  @Test func readsEveryDtypeFromTheReferenceImplementation() throws {
    let st = try SafeTensors.read(path: Fixture.path("reference.safetensors"))
    #expect(st.metadata == ["source": "make-data-fixtures.py"])
    for name in ["f32", "f64", "f16", "bf16"] {
      #expect(st.tensors[name] == SafeTensor(shape: [3, 4], values: Fixture.pattern(12)), "\(name)")
    }
    for name in ["i64", "i32"] {
      #expect(st.tensors[name] == SafeTensor(shape: [3, 4], values: Fixture.ints(12)), "\(name)")
    }
    #expect(st.tensors["vector"] == SafeTensor(shape: [5], values: Fixture.pattern(5)))
  }

  @Test func halfPrecisionConversionIsExact() {
    #expect(ElementDecoding.halfToFloat(0x3C00) == 1)
    #expect(ElementDecoding.halfToFloat(0xC000) == -2)
    #expect(ElementDecoding.halfToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))  // smallest subnormal
    #expect(ElementDecoding.halfToFloat(0x7BFF) == 65504)
    #expect(ElementDecoding.halfToFloat(0x7C00) == .infinity)
    #expect(ElementDecoding.halfToFloat(0x7E00).isNaN)
    #expect(ElementDecoding.halfToFloat(0x8000).sign == .minus)
  }

  @Test func pytorchExportFixtureHasTheDocumentedLayout() throws {
    let st = try SafeTensors.read(path: Fixture.path("torch_mlp.safetensors"))
    #expect(st.metadata["gauntlet.arch"] == "mlp:64-32-10")
    #expect(st.metadata["gauntlet.layers"] == "0:linear,1:relu,2:linear")
    #expect(st.metadata["gauntlet.weight_layout"] == "out,in")
    #expect(st.tensors["0.weight"]?.shape == [32, 64] && st.tensors["0.bias"]?.shape == [32])
    #expect(st.tensors["2.weight"]?.shape == [10, 32] && st.tensors["2.bias"]?.shape == [10])
    let x = try NPYReader.read(path: Fixture.path("torch_inputs.npy"))
    let y = try NPYReader.read(path: Fixture.path("torch_logits.npy"))
    #expect(x.shape == [16, 64] && y.shape == [16, 10])
    // The inputs are the first 16 embedded digits.
    #expect(x.values == (try Datasets.digits()).batch(0 ..< 16).features)
  }

  @Test func headerValidation() {
    let f32x2 = [UInt8](repeating: 0, count: 8)
    expectMalformed("header too large") { _ = try SafeTensors.parse([0, 0, 0, 0, 0, 0, 0, 1] + f32x2, path: "s") }
    expectMalformed("truncated") { _ = try SafeTensors.parse([100, 0, 0, 0, 0, 0, 0, 0, 0x7B], path: "s") }
    expectMalformed("truncated") { _ = try SafeTensors.parse([1, 2, 3], path: "s") }
    expectMalformed("overlap") {
      _ = try SafeTensors.parse(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: f32x2), path: "s")
    }
    expectMalformed("outside") {
      _ = try SafeTensors.parse(file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: f32x2), path: "s")
    }
    expectMalformed("needs 12 bytes") {
      _ = try SafeTensors.parse(file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: f32x2), path: "s")
    }
    expectMalformed("unsupported dtype") {
      _ = try SafeTensors.parse(file(#"{"a":{"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}}"#, data: f32x2), path: "s")
    }
    expectMalformed("non-finite") {
      _ = try SafeTensors.parse(file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0xC0, 0x7F, 0, 0, 0, 0]), path: "s")
    }
    expectMalformed("__metadata__") {
      _ = try SafeTensors.parse(file(#"{"__metadata__":{"k":1}}"#, data: []), path: "s")
    }
    expectMalformed("twice") {
      _ = try SafeTensors.parse(file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: f32x2), path: "s")
    }
    expectMalformed("deeper") {
      _ = try SafeTensors.parse(file("{\"a\":" + String(repeating: "[", count: 10_000), data: []), path: "s")
    }
    expectMalformed("too large") {
      _ = try SafeTensors.parse(file(#"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, data: f32x2), path: "s")
    }
  }
}
