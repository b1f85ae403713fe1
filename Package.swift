// swift-tools-version: 6.0
import PackageDescription

// Dependencies point down only:
//   gauntlet / gauntlet-bench → Gauntlet (umbrella) → Evaluation, Simulation → Attacks, Defenses, ZerothOrder
//   → Oracle → Models → Data → Core ← CPU, OpenCL backends.
let package = Package(
  name: "Gauntlet",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Gauntlet", targets: ["Gauntlet"]),
    .executable(name: "gauntlet", targets: ["gauntlet"]),
    .executable(name: "gauntlet-bench", targets: ["gauntlet-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    .systemLibrary(name: "COpenCL", path: "Sources/COpenCL",
                   providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers"])]),
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS",
                   providers: [.apt(["libopenblas-dev"])]),
    .target(name: "GauntletCore"),
    .target(name: "GauntletCPU", dependencies: ["GauntletCore", "CBLAS"]),
    .target(name: "GauntletOpenCL", dependencies: ["GauntletCore", "COpenCL"]),
    .target(name: "GauntletConformance", dependencies: ["GauntletCore"]),
    .target(name: "GauntletData", dependencies: ["GauntletCore"]),
    .target(name: "GauntletModels", dependencies: ["GauntletCore", "GauntletData"]),
    .target(name: "GauntletOracle", dependencies: ["GauntletCore", "GauntletModels"]),
    .target(name: "GauntletZerothOrder", dependencies: ["GauntletCore"]),
    .target(name: "GauntletDefenses", dependencies: ["GauntletCore", "GauntletModels", "GauntletOracle"]),
    .target(name: "GauntletAttacks",
            dependencies: ["GauntletCore", "GauntletModels", "GauntletOracle", "GauntletZerothOrder"]),
    .target(name: "GauntletEvaluation",
            dependencies: ["GauntletCore", "GauntletData", "GauntletModels", "GauntletOracle", "GauntletDefenses",
                           "GauntletAttacks", "GauntletZerothOrder"]),
    .target(name: "GauntletSimulation",
            dependencies: ["GauntletCore", "GauntletData", "GauntletModels", "GauntletOracle", "GauntletDefenses",
                           "GauntletAttacks"]),
    .target(name: "Gauntlet",
            dependencies: ["GauntletCore", "GauntletCPU", "GauntletOpenCL", "GauntletConformance",
                           "GauntletData", "GauntletModels", "GauntletOracle", "GauntletZerothOrder",
                           "GauntletDefenses", "GauntletAttacks", "GauntletEvaluation", "GauntletSimulation"]),
    .executableTarget(name: "gauntlet",
                      dependencies: ["Gauntlet",
                                     .product(name: "ArgumentParser", package: "swift-argument-parser")]),
    .executableTarget(name: "gauntlet-bench", dependencies: ["Gauntlet"], path: "bench",
                      exclude: ["results", "peers"]),
    .testTarget(name: "GauntletCoreTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletBackendTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletDataTests", dependencies: ["Gauntlet"], exclude: ["Fixtures"]),
    .testTarget(name: "GauntletModelsTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletOracleTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletDefensesTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletZerothOrderTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletAttacksTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletSimulationTests", dependencies: ["Gauntlet"]),
    .testTarget(name: "GauntletEvaluationTests", dependencies: ["Gauntlet"]),
  ],
  swiftLanguageModes: [.v5]
)
