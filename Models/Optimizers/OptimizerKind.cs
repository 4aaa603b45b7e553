namespace NeuralPipelines.Models.Optimizers;

/// <summary>Which update rule an <see cref="Optimizer"/> applies.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent, with optional momentum.</summary>
    Sgd,
    /// <summary>Adam (Kingma and Ba 2015).</summary>
    Adam,
}
