using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Optimizers;

/// <summary>Adam (Kingma and Ba 2015): per-weight steps scaled by running estimates of the gradient's mean and mean square.</summary>
public sealed class Adam : Optimizer
{
    private readonly Tensor[] _state; // m₀, v₀, m₁, v₁, ...

    public Adam(IReadOnlyList<Parameter> parameters, OptimizerSettings settings) : base(parameters, settings)
    {
        settings.CheckAs(OptimizerKind.Adam);
        _state = Parameters.SelectMany(p => new[] { new Tensor(p.Value.ShapeArray()), new Tensor(p.Value.ShapeArray()) }).ToArray();
    }

    public override IReadOnlyList<Tensor> State => _state;

    protected override void Update(int index, Parameter p, float learningRate)
    {
        float b1 = Settings.Beta1, b2 = Settings.Beta2, eps = Settings.Epsilon;
        var w = p.Value.Span; var g = p.Gradient.Span;
        var m = _state[2 * index].Span; var v = _state[2 * index + 1].Span;
        // Bias correction: m and v start at zero, so early averages are too small by 1 − βᵗ.
        float c1 = 1f / (1f - (float)Math.Pow(b1, Steps)), c2 = 1f / (1f - (float)Math.Pow(b2, Steps));
        for (int i = 0; i < w.Length; i++)
        {
            m[i] = b1 * m[i] + (1f - b1) * g[i];
            v[i] = b2 * v[i] + (1f - b2) * g[i] * g[i];
            w[i] -= learningRate * (m[i] * c1) / (MathF.Sqrt(v[i] * c2) + eps);
        }
    }
}
