import Foundation
import Testing
@testable import GauntletOpenCL
import GauntletCore

@Suite(.enabled(if: OCL.enabled, OCL.skipReason))
struct OpenCLRuntimeTests {
  @Test func discoveryDescribesTheDevice() throws {
    let be = try OCL.backend()
    let platforms = try OpenCLRuntime.platforms()
    #expect(!platforms.isEmpty)
    let info = try #require(platforms.first?.devices.first)
    #expect(info == be.deviceInfo)
    #expect(!info.name.isEmpty && !info.driverVersion.isEmpty && info.version.hasPrefix("OpenCL"))
    #expect(info.computeUnits > 0 && info.globalMemoryBytes > 0 && info.localMemoryBytes > 0)
    #expect(info.maxWorkGroupSize >= be.tuning.localSize)
    #expect(be.name == "opencl:\(info.name)")
    #expect(be.deviceKind == info.kind)
  }

  @Test func sharedIsOneInstance() throws {
    let a = try OCL.backend(), b = try OpenCLBackend.shared()
    #expect(a === b)
  }

  @Test func firstGPUIsAGPUOrNil() throws {
    _ = try OCL.backend()
    if let gpu = try OpenCLBackend.firstGPU() { #expect(gpu.deviceKind == .gpu) }
  }

  @Test func missingDeviceIsBackendUnavailable() throws {
    _ = try OCL.backend()
    #expect {
      _ = try OpenCLBackend(platform: 0, device: 999)
    } throws: { e in
      guard case let GauntletError.backendUnavailable(backend, _, remedy)? = e as? GauntletError else { return false }
      return backend == "opencl" && remedy.contains("device index")
    }
    #expect(throws: GauntletError.self) { _ = try OpenCLBackend(platform: 99) }
  }

  @Test func everyStatusCodeHasAName() {
    for code in Int32(-72)...0 where !(-29 ... -20).contains(code) {
      #expect(OpenCLError(code: code, call: "x").name != "CL_UNKNOWN_ERROR", "code \(code)")
    }
    let e = OpenCLError(code: -1001, call: "clGetPlatformIDs")
    #expect(e.name == "CL_PLATFORM_NOT_FOUND_KHR")
    #expect(e.description.contains("clGetPlatformIDs") && e.description.contains("pocl-opencl-icd"))
    #expect(OpenCLError(code: -12345, call: "x").name == "CL_UNKNOWN_ERROR")
  }

  @Test func bogusKernelFailsWithBuildLog() throws {
    let be = try OCL.backend()
    let source = "__kernel void broken(__global float* x) { x[0] = undefined_symbol_xyz; }\n"
    #expect {
      _ = try be.program(named: "bogus", source: source)
    } throws: { e in
      guard case let GauntletError.kernelBuildFailed(program, device, log)? = e as? GauntletError else { return false }
      return program == "bogus" && device == be.deviceInfo.name && log.contains("undefined_symbol_xyz")
    }
  }

  @Test func programsAreCachedBySourceAndOptions() throws {
    let be = try OCL.backend()
    let source = "__kernel void cached_probe(__global float* x) { x[get_global_id(0)] = 1.0f; }\n"
    let p1 = try be.program(named: "probe", source: source)
    let p2 = try be.program(named: "probe", source: source)
    #expect(p1 === p2)
    let p3 = try be.program(named: "probe", source: source + "// changed\n")
    #expect(p1 !== p3)
  }

  @Test func tuningProfileFromEnvironment() throws {
    #expect(try KernelTuning.profile(for: .cpu, environment: [:]) == .cpu)
    #expect(try KernelTuning.profile(for: .gpu, environment: [:]) == .gpu)
    #expect(try KernelTuning.profile(for: .cpu, environment: ["GAUNTLET_OPENCL_TUNING": "gpu"]) == .gpu)
    #expect(throws: GauntletError.self) {
      _ = try KernelTuning.profile(for: .cpu, environment: ["GAUNTLET_OPENCL_TUNING": "fast"])
    }
  }
}

/// The embedded kernel sources must equal `Kernels/*.cl` (no OpenCL platform needed).
@Suite struct KernelSourcesTests {
  @Test func embeddedSourcesMatchKernelFiles() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let dir = root.appendingPathComponent("Kernels")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".cl") }.sorted()
    #expect(!files.isEmpty, "no Kernels/*.cl found at \(dir.path)")
    let hint = "embedded kernels differ from Kernels/: run scripts/generate-kernel-sources.sh"
    #expect(Set(files.map { String($0.dropLast(3)) }) == Set(KernelSources.all.keys), Comment(rawValue: hint))
    for f in files {
      let text = try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
      #expect(KernelSources.all[String(f.dropLast(3))] == text, Comment(rawValue: "\(f): \(hint)"))
    }
    #expect(Set(OpenCLBackend.Family.allCases.map(\.rawValue)).isSubset(of: Set(KernelSources.all.keys)))
  }
}
