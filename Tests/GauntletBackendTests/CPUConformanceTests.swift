import Testing
import Gauntlet

@Suite struct CPUConformanceTests {
  /// Every check of the suite passes on the CPU backend; each failure is recorded with its detail.
  @Test(arguments: [nil, 1] as [Int?])
  func suitePasses(threads: Int?) {
    let backend = threads.map { CPUBackend(threads: $0) } ?? TestBackends.cpu()
    let report = Conformance.run(on: backend)
    #expect(report.results.count > 300)
    for f in report.failures {
      Issue.record("\(f.op) [\(f.caseName)]: max error \(f.maxError) > tolerance \(f.tolerance): \(f.detail ?? "")")
    }
    #expect(report.failures.isEmpty)
  }
}
