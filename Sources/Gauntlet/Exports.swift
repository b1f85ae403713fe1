// The umbrella module: `import Gauntlet` brings in every layer.
@_exported import GauntletCore
@_exported import GauntletCPU
@_exported import GauntletOpenCL
@_exported import GauntletConformance
@_exported import GauntletData
@_exported import GauntletModels
@_exported import GauntletOracle
@_exported import GauntletZerothOrder
@_exported import GauntletDefenses
@_exported import GauntletAttacks
@_exported import GauntletEvaluation
@_exported import GauntletSimulation
