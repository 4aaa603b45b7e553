using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Training;

namespace NeuralPipelines.Models.Generative.Pix2Pix;

/// <summary>What one pix2pix step measured: the discriminator's cost (halved, as in the paper), the generator's adversarial
/// and L1 terms (its cost is adversarial + λ·L1), and D's mean belief that the real and generated pairs are real.
/// Without a discriminator (the L1-only baseline) the adversarial figures are 0.</summary>
public readonly record struct Pix2PixStepResult(double DiscriminatorLoss, double AdversarialLoss, double L1Loss,
    double RealProbability, double FakeProbability)
{
    public double GeneratorLoss(float lambda) => AdversarialLoss + lambda * L1Loss;
}

/// <summary>
/// One step of pix2pix (Isola et al. 2017) on a batch of conditions x (grey L) and targets y (chroma ab): D learns to tell
/// the pair (x, y) from (x, G(x)); G learns to fool D while staying near y in L1. With no discriminator, G learns L1 alone.
/// </summary>
/// <remarks>
/// <para>D half: C_D = ½[BCE(D(x, y), 1) + BCE(D(x, G(x)), 0)], each BCE the mean over patches and batch,, G(x) detached (D's backward stops at the pair), one
/// optimiser step of D. The ½ slows D relative to G, as the paper does.</para>
/// <para>G half: C_G = BCE(D(x, G(x)), 1) + λ·mean|G(x) − y|, through the updated D. The pair's gradient splits at the
/// concatenation: D's ∂C/∂x is thrown away (x is data), its ∂C/∂G(x) channels plus λ·sign(G(x) − y)/(N·k) enter G's
/// last layer. D skips its parameter gradients in this half (they would be cleared unread); only G steps. Both networks run in training mode
/// (batch statistics, G's dropout as its noise), as in the reference implementation.</para>
/// <para>Every buffer is allocated on the first call and reused while the batch size stays the same.</para>
/// </remarks>
public sealed class Pix2PixStep
{
    private readonly Parameter[] _generatorParameters, _discriminatorParameters;
    private readonly Loss _adversarial = new BceWithLogitsCost();
    private readonly L1Cost _l1 = new();
    private Tensor? _realPair, _fakePair, _ones, _zeros, _logitGradient, _l1Gradient, _fakeGradient;
    private double _realProbability, _fakeProbability;

    public Pix2PixStep(Layer generator, Optimizer generatorOptimizer, Layer? discriminator = null, Optimizer? discriminatorOptimizer = null,
        float lambda = 100f, float learningRate = 2e-4f)
    {
        if ((discriminator is null) != (discriminatorOptimizer is null))
            throw new ArgumentException("Pix2PixStep needs a discriminator and its optimiser together, or neither (L1 alone).");
        if (!(lambda >= 0)) throw new ArgumentException($"Pix2PixStep needs λ ≥ 0, got {lambda}.");
        Generator = generator; Discriminator = discriminator;
        GeneratorOptimizer = generatorOptimizer; DiscriminatorOptimizer = discriminatorOptimizer;
        Lambda = lambda; LearningRate = learningRate;
        _generatorParameters = generatorOptimizer.Parameters;
        _discriminatorParameters = discriminatorOptimizer?.Parameters ?? [];
    }

    public Layer Generator { get; }
    public Layer? Discriminator { get; }
    public Optimizer GeneratorOptimizer { get; }
    public Optimizer? DiscriminatorOptimizer { get; }
    /// <summary>Weight of the L1 term (100 in the paper).</summary>
    public float Lambda { get; }
    public float LearningRate { get; set; }

    /// <summary>Runs both halves on conditions <paramref name="condition"/> [N × Cx × H × W] and targets
    /// <paramref name="target"/> [N × Cy × H × W], both in [−1, 1].</summary>
    public Pix2PixStepResult Run(Tensor condition, Tensor target)
    {
        if (condition.Rank != 4 || target.Rank != 4 || condition.Dim(0) != target.Dim(0) || condition.Dim(2) != target.Dim(2) || condition.Dim(3) != target.Dim(3))
            throw new ArgumentException($"Pix2PixStep: condition {Tensor.ShapeText(condition.Shape)} and target {Tensor.ShapeText(target.Shape)} must be images of the same batch and size.");
        var fake = Generator.Forward(condition, training: true);
        if (!fake.ShapeEquals(target.Shape))
            throw new ArgumentException($"Pix2PixStep: the generator gives {Tensor.ShapeText(fake.Shape)} for targets of {Tensor.ShapeText(target.Shape)}.");

        double dLoss = 0, adversarial = 0;
        Tensor dFake;
        if (Discriminator is { } d)
        {
            var realPair = Concat(ref _realPair, condition, target);
            var fakePair = Concat(ref _fakePair, condition, fake);
            dLoss = StepDiscriminator(d, realPair, fakePair);
            foreach (var p in _generatorParameters) p.ZeroGradient();
            var logits = d.Forward(fakePair, training: true);
            var g = Tensor.Ensure(ref _logitGradient, logits.Shape);
            adversarial = PatchMean(_adversarial.Compute(logits, Targets(ref _ones, logits, 1f), g), logits, g, 1f);
            // D's parameter gradients of this half would be cleared unread (the D step clears them first): D computes
            // ∂C/∂pair alone (its convolutions' ∂C/∂w are a sixth of its work).
            d.SetParameterGradients(false);
            Tensor dPair;
            try { dPair = d.Backward(g); }
            finally { d.SetParameterGradients(true); }
            dFake = Tensor.Ensure(ref _fakeGradient, fake.Shape);
            // The pair's channels after x's are G(x)'s: ∂C_G/∂G(x) from the adversarial term.
            Concatenation.Part(dPair, condition.ItemLength, dFake);
        }
        else
        {
            foreach (var p in _generatorParameters) p.ZeroGradient();
            dFake = Tensor.Ensure(ref _fakeGradient, fake.Shape);
            dFake.Span.Clear();
        }
        var l1Gradient = Tensor.Ensure(ref _l1Gradient, fake.Shape);
        double l1 = _l1.Compute(fake, target, l1Gradient);
        if (!double.IsFinite(l1 + adversarial)) throw new TrainingDivergedException($"the generator's cost became {adversarial + Lambda * l1}");
        // ∂C_G/∂G(x) = adversarial part + λ·∂L1/∂G(x).
        TensorPrimitives.MultiplyAdd(l1Gradient.Span, Lambda, dFake.Span, dFake.Span);
        Generator.Backward(dFake);
        GeneratorOptimizer.Step(LearningRate);
        foreach (var p in _discriminatorParameters) p.ZeroGradient();
        return new Pix2PixStepResult(dLoss, adversarial, l1, _realProbability, _fakeProbability);
    }

    private double StepDiscriminator(Layer d, Tensor realPair, Tensor fakePair)
    {
        foreach (var p in _discriminatorParameters) p.ZeroGradient();
        var first = FirstConvolution(d);
        if (first is not null) first.InputGradient = false; // neither pair needs ∂C/∂pair in D's own half
        try
        {
            double cost = HalfPass(d, realPair, 1f, out _realProbability) + HalfPass(d, fakePair, 0f, out _fakeProbability);
            if (!double.IsFinite(cost)) throw new TrainingDivergedException($"the discriminator's cost became {cost}");
            DiscriminatorOptimizer!.Step(LearningRate);
            return cost;
        }
        finally { if (first is not null) first.InputGradient = true; }
    }

    /// <summary>½·BCE(D(pair), target): D's gradients accumulate, ∂C/∂pair is dropped.</summary>
    private double HalfPass(Layer d, Tensor pair, float target, out double meanProbability)
    {
        var logits = d.Forward(pair, training: true);
        var g = Tensor.Ensure(ref _logitGradient, logits.Shape);
        ref Tensor? targets = ref (target == 1f ? ref _ones : ref _zeros);
        double cost = PatchMean(_adversarial.Compute(logits, Targets(ref targets, logits, target), g), logits, g, 0.5f);
        double sum = 0;
        foreach (float z in logits.Span) sum += 1 / (1 + Math.Exp(-z));
        meanProbability = sum / logits.Length;
        d.Backward(g);
        return cost;
    }

    /// <summary>scale × the cost averaged over the patches as well as the batch, and its gradient scaled to match.</summary>
    /// <remarks><see cref="BceWithLogitsCost"/> sums over an example's outputs (right for one logit an image); a PatchGAN
    /// gives 36 at 64×64, and the paper's (PyTorch's) cost is their mean, which λ = 100 is balanced against.</remarks>
    private static double PatchMean(double cost, Tensor logits, Tensor gradient, float scale)
    {
        float factor = scale / logits.ItemLength;
        TensorPrimitives.Multiply(gradient.Span, factor, gradient.Span);
        return cost * factor;
    }

    /// <summary>concat(a, b) on the channel axis, into a reused buffer.</summary>
    private static Tensor Concat(ref Tensor? buffer, Tensor a, Tensor b)
    {
        var y = Tensor.Ensure(ref buffer, a.Dim(0), a.Dim(1) + b.Dim(1), a.Dim(2), a.Dim(3));
        Concatenation.Join(a, b, y);
        return y;
    }

    private static Tensor Targets(ref Tensor? buffer, Tensor logits, float value)
    {
        bool fresh = buffer is null || !buffer.ShapeEquals(logits.Shape);
        var t = Tensor.Ensure(ref buffer, logits.Shape);
        if (fresh) t.Span.Fill(value);
        return t;
    }

    private static Conv2d? FirstConvolution(Layer layer)
    {
        while (layer is Sequential && layer.Children.Count > 0) layer = layer.Children[0];
        return layer as Conv2d;
    }
}
