import Testing
import Gauntlet

/// The shared conformance suite on the OpenCL backend, with the device's own kernel profile and
/// with the GPU profile forced (tiled GEMM on a CPU driver); each failing check is recorded.
@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLConformanceTests {
  @Test(arguments: [KernelTuning.Profile.cpu, .gpu])
  func suitePasses(_ profile: KernelTuning.Profile) throws {
    let backend = profile == .cpu ? try OCL.backend() : try OCL.gpuTuned()
    let report = Conformance.run(on: backend)
    #expect(report.results.count > 300)
    for f in report.failures {
      Issue.record("[\(profile)] \(f.op) [\(f.caseName)]: max error \(f.maxError) > tolerance \(f.tolerance): \(f.detail ?? "")")
    }
    #expect(report.failures.isEmpty)
  }
}
