namespace NeuralPipelines.Pipelines.Tabular;

/// <summary>Which ML.NET trainer <see cref="TabularClassification"/> puts behind its normaliser.</summary>
public enum ClassificationTrainer
{
    /// <summary>L-BFGS: LbfgsLogisticRegression (binary) or LbfgsMaximumEntropy (multiclass).</summary>
    Lbfgs,
    /// <summary>SDCA: SdcaLogisticRegression (binary) or SdcaMaximumEntropy (multiclass).</summary>
    Sdca,
    /// <summary>SgdCalibrated (binary), one-versus-all SgdCalibrated (multiclass).</summary>
    Sgd,
}
