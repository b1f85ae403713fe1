import Testing
@testable import GauntletData
import GauntletCore

@Suite struct NPYReaderTests {
  @Test(arguments: ["f4_3x4.npy", "f8_3x4.npy", "f2_3x4.npy", "f4be_3x4.npy", "f4_v2.npy"])
  func floatFixturesWrittenByNumpy(_ name: String) throws {
    let (shape, values) = try NPYReader.read(path: Fixture.path(name))
    #expect(shape == [3, 4])
    #expect(values == Fixture.pattern(12))
  }

  @Test(arguments: ["i8_3x4.npy", "i4_3x4.npy", "i1_3x4.npy"])
  func integerFixtures(_ name: String) throws {
    let (shape, values) = try NPYReader.read(path: Fixture.path(name))
    #expect(shape == [3, 4] && values == Fixture.ints(12))
  }

  @Test func bytesScalarAndEmpty() throws {
    #expect(try NPYReader.read(path: Fixture.path("u1_3x4.npy")).values == Fixture.bytesPattern(12))
    let s = try NPYReader.read(path: Fixture.path("scalar_f4.npy"))
    #expect(s.shape == [] && s.values == [3.5])
    let e = try NPYReader.read(path: Fixture.path("empty_0x3.npy"))
    #expect(e.shape == [0, 3] && e.values.isEmpty)
  }

  @Test func rejectsFortranOrderNaNAndTruncation() throws {
    expectMalformed("fortran") { _ = try NPYReader.read(path: Fixture.path("f4_fortran.npy")) }
    expectMalformed("non-finite") { _ = try NPYReader.read(path: Fixture.path("f4_nan.npy")) }
    let b = try Fixture.bytes("f4_3x4.npy")
    expectMalformed("truncated") { _ = try NPYReader.parse(Array(b.dropLast(3)), path: "t.npy") }
    expectMalformed("trailing") { _ = try NPYReader.parse(b + [0], path: "t.npy") }
    expectMalformed("magic") { _ = try NPYReader.parse([0x50, 0x4B] + b.dropFirst(2), path: "t.npy") }
  }

  @Test func writerRoundTripsAndMatchesNumpyBytes() throws {
    let numpy = try Fixture.bytes("f4_3x4.npy")
    let ours = try NPYWriter.serialized(shape: [3, 4], values: Fixture.pattern(12))
    #expect(ours == numpy)  // np.save writes the same header and padding
    let dir = try Fixture.tempDir()
    for shape in [[5], [], [2, 0, 3], [1, 2, 3, 4]] {
      let n = shape.reduce(1, *)
      let v = (0 ..< n).map { Float($0) * 0.5 - 1 }
      try NPYWriter.write(path: dir + "/a.npy", shape: shape, values: v)
      let back = try NPYReader.read(path: dir + "/a.npy")
      #expect(back.shape == shape && back.values == v)
    }
    #expect(throws: GauntletError.self) { try NPYWriter.serialized(shape: [2, 2], values: [1]) }
  }
}

@Suite struct IDXReaderTests {
  @Test func mnistLikePairAndFloat() throws {
    let x = try IDXReader.read(path: Fixture.path("images.idx3-ubyte"))
    #expect(x.shape == [6, 4, 3] && x.values == Fixture.bytesPattern(72))
    let y = try IDXReader.read(path: Fixture.path("labels.idx1-ubyte"))
    #expect(y.shape == [6] && y.values == Fixture.classes(6).map(Float.init))
    let f = try IDXReader.read(path: Fixture.path("f4_3x4.idx"))
    #expect(f.shape == [3, 4] && f.values == Fixture.pattern(12))
  }

  @Test func errorsNameTheProblem() throws {
    let b = try Fixture.bytes("images.idx3-ubyte")
    expectMalformed("truncated") { _ = try IDXReader.parse(Array(b.dropLast()), path: "x") }
    expectMalformed("trailing") { _ = try IDXReader.parse(b + [1, 2], path: "x") }
    expectMalformed("magic") { _ = try IDXReader.parse([1] + b.dropFirst(), path: "x") }
    expectMalformed("gzip") { _ = try IDXReader.parse([0x1F, 0x8B, 8, 0], path: "x.gz") }
    expectMalformed("type code") { _ = try IDXReader.parse([0, 0, 0x07, 1, 0, 0, 0, 0], path: "x") }
    // A header declaring 2³²−1 × 2³²−1 elements must fail before allocating.
    expectMalformed("too large") { _ = try IDXReader.parse([0, 0, 0x0E, 2, 255, 255, 255, 255, 255, 255, 255, 255], path: "x") }
    do {
      _ = try IDXReader.read(path: "/nonexistent.idx")
      Issue.record("expected an error")
    } catch let GauntletError.io(path, _) { #expect(path == "/nonexistent.idx") }
  }
}

@Suite struct NPZReaderTests {
  @Test func storedArchiveFromNumpySavez() throws {
    let a = try NPZReader.read(path: Fixture.path("arrays.npz"))
    #expect(Set(a.keys) == ["x", "y"])
    #expect(a["x"]?.shape == [6, 4, 3] && a["x"]?.values == Fixture.pattern(72))
    #expect(a["y"]?.shape == [6] && a["y"]?.values == Fixture.classes(6).map(Float.init))
  }

  @Test func compressedArchiveSaysToUseSavez() {
    expectMalformed("np.savez instead") { _ = try NPZReader.read(path: Fixture.path("compressed.npz")) }
  }

  @Test func corruptionIsDetected() throws {
    var b = try Fixture.bytes("arrays.npz")
    let data = b.count / 3  // inside the first entry's data
    b[data] ^= 0x40
    #expect(throws: GauntletError.self) { try NPZReader.parse(b, path: "c.npz") }
    expectMalformed("end-of-central-directory") { _ = try NPZReader.parse(Array(repeating: 7, count: 100), path: "c.npz") }
    expectMalformed("single .npy") { _ = try NPZReader.parse(try Fixture.bytes("f4_3x4.npy"), path: "c.npz") }
  }
}

@Suite struct CSVReaderTests {
  @Test func headerAndLabelPositions() throws {
    let t = try CSVReader.read(path: Fixture.path("small.csv"), header: true)
    #expect(t.header == ["f0", "f1", "f2", "label"] && t.rowCount == 6 && t.columnCount == 4)
    let d = try CSVReader.dataset(path: Fixture.path("label_first.csv"), label: .first)
    #expect(d.features == Fixture.pattern(18) && d.labels == Fixture.classes(6) && d.classCount == 3)
  }

  @Test func parsingDetails() throws {
    let text = " 1 , \"2.5\"\r\n\n3,4e-1\n"
    let t = try CSVReader.parse(Array(text.utf8), path: "p.csv")
    #expect(t.values == [1, 2.5, 3, 0.4] && t.rowCount == 2)
    expectMalformed("header") { _ = try CSVReader.parse(Array("a,b\n1,2\n".utf8), path: "p.csv") }
    expectMalformed("columns") { _ = try CSVReader.parse(Array("1,2\n1,2,3\n".utf8), path: "p.csv") }
    expectMalformed("non-finite") { _ = try CSVReader.parse(Array("1,nan\n".utf8), path: "p.csv") }
    expectMalformed("no data") { _ = try CSVReader.parse(Array("\n\n".utf8), path: "p.csv") }
    expectMalformed("not a class index") {
      _ = try CSVReader.dataset(CSVTable(header: nil, rowCount: 1, columnCount: 2, values: [1, 2.5]), label: .last, path: "p", name: "p")
    }
  }
}
