using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Optimizers;

/// <summary>Turns the accumulated gradients into a weight update. Holds per-parameter state (velocities, moments) that a
/// checkpoint saves, so a resumed run steps exactly as an uninterrupted one.</summary>
public abstract class Optimizer
{
    protected Optimizer(IReadOnlyList<Parameter> parameters, OptimizerSettings settings)
    {
        Parameters = parameters.ToArray();
        Settings = settings;
    }

    public Parameter[] Parameters { get; }

    public OptimizerSettings Settings { get; }

    /// <summary>Updates taken so far (Adam's bias correction needs it; checkpoints keep it).</summary>
    public long Steps { get; set; }

    /// <summary>The state tensors in a fixed order, for checkpoints.</summary>
    public abstract IReadOnlyList<Tensor> State { get; }

    /// <summary>Applies one update with learning rate η to every parameter from its current gradient.</summary>
    public void Step(float learningRate)
    {
        Steps++;
        for (int i = 0; i < Parameters.Length; i++) Update(i, Parameters[i], learningRate);
    }

    protected abstract void Update(int index, Parameter p, float learningRate);

    public static Optimizer Create(OptimizerSettings settings, IReadOnlyList<Parameter> parameters)
    {
        settings.Validate();
        return settings.Kind switch
        {
            OptimizerKind.Adam => new Adam(parameters, settings),
            _ => new Sgd(parameters, settings),
        };
    }
}
