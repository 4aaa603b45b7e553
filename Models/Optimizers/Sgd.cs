using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Optimizers;

/// <summary>Stochastic gradient descent, w → w − η∇C, optionally with momentum (Nielsen ch. 3).</summary>
/// <remarks>
/// Momentum is kept as v → μv + ∇C, w → w − ηv. Nielsen writes v → μv − η∇C, w → w + v; the two are the same walk while η
/// is constant, but this form keeps η out of the velocity, so a learning-rate schedule changes the step at once
/// (and it is the form libtorch uses, which we compare against).
/// </remarks>
public sealed class Sgd : Optimizer
{
    private readonly Tensor[] _velocity;

    public Sgd(IReadOnlyList<Parameter> parameters, OptimizerSettings settings) : base(parameters, settings)
    {
        settings.CheckAs(OptimizerKind.Sgd);
        _velocity = settings.Momentum > 0f ? Parameters.Select(p => new Tensor(p.Value.ShapeArray())).ToArray() : [];
    }

    public float Momentum => Settings.Momentum;

    public override IReadOnlyList<Tensor> State => _velocity;

    protected override void Update(int index, Parameter p, float learningRate)
    {
        var w = p.Value.Span; var g = p.Gradient.Span;
        if (_velocity.Length == 0)
        {
            TensorPrimitives.MultiplyAdd(g, -learningRate, w, w);
            return;
        }
        var v = _velocity[index].Span;
        TensorPrimitives.MultiplyAdd(v, Momentum, g, v);      // v ← μv + ∇C
        TensorPrimitives.MultiplyAdd(v, -learningRate, w, w); // w ← w − ηv
    }
}
