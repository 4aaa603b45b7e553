using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Generative.Gan;

/// <summary>What one adversarial step measured: both costs, and the discriminator's mean belief that real and generated
/// images are real (σ of its logits, before its update).</summary>
public readonly record struct GanStepResult(double DiscriminatorLoss, double GeneratorLoss, double RealProbability, double FakeProbability);

/// <summary>
/// One step of adversarial training (Goodfellow et al. 2014, with the non-saturating generator cost): the discriminator D
/// learns to tell a real batch (target 1) from G(z) (target 0), then the generator G learns to make D answer 1.
/// </summary>
/// <remarks>
/// <para>D half: C_D = BCE(D(x), 1) + BCE(D(G(z)), 0). G(z) is detached: D's backward stops at its input, so G's
/// gradients are untouched; D's gradients from both batches accumulate and D takes one optimiser step.</para>
/// <para>G half: C_G = BCE(D(G(z)), 1) on the same G(z), through the updated D. D's backward supplies ∂C_G/∂G(z) only:
/// D's parameter gradients are switched off for this half (<see cref="Layer.ParameterGradients"/>), so ∂C_G/∂θ_D, which
/// nobody reads, is never computed, and D's gradients still hold the D half's afterwards. Only G steps. D still runs in
/// training mode, so its batch-norm running statistics move, as in PyTorch.</para>
/// <para>z ~ N(0, 1) from a seeded generator; real images come in as pixels in [0, 1] and are mapped to [−1, 1], the
/// range of the generator's tanh. As <c>Training.TrainingStep</c>, everything is allocated on the first call and reused.</para>
/// <para>Three variants of the game, each off by default: one-sided label smoothing (<see cref="RealTarget"/> below 1 for
/// D's real batch only), top-k generator training (<see cref="TopK"/>) and two time-scale rates
/// (<see cref="DiscriminatorLearningRate"/>).</para>
/// </remarks>
public sealed class GanStep
{
    private readonly Parameter[] _generatorParameters, _discriminatorParameters;
    private readonly Layer? _discriminatorInputLayer;
    private Random _noiseRng;
    private Tensor? _noise, _real, _ones, _zeros, _realTargets, _gradient;
    private Tensor? _fake;
    private float _realTarget = 1f;
    private double _realProbability, _fakeProbability;

    public GanStep(Layer generator, Layer discriminator, Optimizer generatorOptimizer, Optimizer discriminatorOptimizer,
        int noise = 64, float learningRate = 2e-4f, int seed = 0, Loss? loss = null, LatentMixture? mixture = null)
    {
        if (noise <= 0) throw new ArgumentException($"GanStep needs a positive noise size, got {noise}.");
        Generator = generator; Discriminator = discriminator;
        GeneratorOptimizer = generatorOptimizer; DiscriminatorOptimizer = discriminatorOptimizer;
        Noise = noise; LearningRate = learningRate;
        mixture?.Validate(noise);
        Mixture = mixture;
        Loss = loss ?? new BceWithLogitsCost();
        _generatorParameters = generatorOptimizer.Parameters;
        _discriminatorParameters = discriminatorOptimizer.Parameters;
        _noiseRng = new Random(seed);
        _discriminatorInputLayer = FirstLeaf(discriminator);
    }

    /// <summary>The DCGAN recipe: Adam with η = 2e-4, β₁ = 0.5, β₂ = 0.999 for both networks (Radford et al. 2015).</summary>
    public static GanStep Dcgan(Layer generator, Layer discriminator, int noise = 64, int seed = 0)
    {
        var adam = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f, Beta2: 0.999f);
        return new GanStep(generator, discriminator,
            Optimizer.Create(adam, generator.AllParameters().ToArray()), Optimizer.Create(adam, discriminator.AllParameters().ToArray()),
            noise, 2e-4f, seed);
    }

    public Layer Generator { get; }
    public Layer Discriminator { get; }
    public Optimizer GeneratorOptimizer { get; }
    public Optimizer DiscriminatorOptimizer { get; }
    public Loss Loss { get; }
    public int Noise { get; }

    /// <summary>The mixture of Gaussians z is drawn from, or null for z ~ N(0, I).</summary>
    public LatentMixture? Mixture { get; }
    /// <summary>The generator's η, and the discriminator's unless <see cref="DiscriminatorLearningRate"/> is set.</summary>
    public float LearningRate { get; set; }

    /// <summary>The discriminator's own η, when it learns at another rate than G (two time-scale update rule, Heusel et al.
    /// 2017); null: <see cref="LearningRate"/>.</summary>
    public float? DiscriminatorLearningRate { get; set; }

    /// <summary>D's target for real images: 1, or below it for one-sided label smoothing (Salimans et al. 2016, "Improved
    /// techniques for training GANs"), which keeps D from growing over-confident on real images. Generated images keep
    /// target 0, and G still aims at 1.</summary>
    public float RealTarget
    {
        get => _realTarget;
        set
        {
            if (!(value is > 0.5f and <= 1f)) throw new ArgumentException($"The real images' target must be in (0.5, 1], got {value}.");
            _realTarget = value;
            _realTargets = null;
        }
    }

    /// <summary>Top-k generator training (<see cref="TopKSelection"/>), or null: G learns from its whole batch.</summary>
    public TopKSelection? TopK { get; set; }

    /// <summary>The last generated batch, G(z) in [−1, 1] (owned by the generator: valid until its next forward pass).</summary>
    public Tensor? Fake => _fake;

    /// <summary>Restarts the noise stream from <paramref name="seed"/>: a trainer reseeds per epoch so that a run resumed
    /// after epoch e draws the same z as an uninterrupted one.</summary>
    public void Reseed(int seed) => _noiseRng = new Random(seed);

    /// <summary>Runs a whole step on a batch of real images with pixels in [0, 1]; G(z) has as many images.
    /// Throws <see cref="ArgumentException"/> naming the shapes when G's images and the real ones differ.</summary>
    public GanStepResult Run(Tensor realPixels)
    {
        Generate(realPixels.Dim(0));
        double dLoss = StepDiscriminator(realPixels);
        double gLoss = StepGenerator();
        return new GanStepResult(dLoss, gLoss, _realProbability, _fakeProbability);
    }

    /// <summary>Draws z ~ N(0, 1) for <paramref name="batch"/> images and runs G on it (training mode).</summary>
    public Tensor Generate(int batch)
    {
        var z = Tensor.Ensure(ref _noise, batch, Noise);
        NoiseSampler.Draw(Mixture is null ? NoiseKind.Normal : NoiseKind.Mixture, _noiseRng, z.Span, Noise, Mixture);
        _fake = Generator.Forward(z, training: true);
        return _fake;
    }

    /// <summary>The D half: one optimiser step of D on the real batch (target 1) and the last G(z) (target 0, detached).
    /// Returns C_D = BCE(D(x), 1) + BCE(D(G(z)), 0).</summary>
    public double StepDiscriminator(Tensor realPixels)
    {
        var fake = _fake ?? throw new InvalidOperationException("GanStep.StepDiscriminator needs a generated batch: call Generate first.");
        int batch = realPixels.Dim(0);
        if (realPixels.ItemLength != fake.ItemLength || batch != fake.Dim(0))
            throw new ArgumentException($"GanStep: real batch {Tensor.ShapeText(realPixels.Shape)} and generated batch {Tensor.ShapeText(fake.Shape)} differ.");
        // Pixels [0, 1] → [−1, 1], the range of G's tanh.
        var real = Tensor.Ensure(ref _real, realPixels.Shape);
        TensorPrimitives.Multiply(realPixels.Span, 2f, real.Span);
        TensorPrimitives.Subtract(real.Span, 1f, real.Span);

        foreach (var p in _discriminatorParameters) p.ZeroGradient();
        // Neither the real batch nor the detached G(z) wants ∂C/∂x: D's first layer may skip that product in this half.
        SetInputGradient(false);
        try
        {
            double cost = DiscriminatorPass(real, isReal: true, out _realProbability);
            cost += DiscriminatorPass(fake, isReal: false, out _fakeProbability);
            if (!double.IsFinite(cost)) throw new NeuralPipelines.Models.Training.TrainingDivergedException($"the discriminator's {Loss.Name} cost became {cost}");
            DiscriminatorOptimizer.Step(DiscriminatorLearningRate ?? LearningRate);
            return cost;
        }
        finally { SetInputGradient(true); }
    }

    /// <summary>The G half: C_G = BCE(D(G(z)), 1) through D (D's parameters are not stepped), one optimiser step of G.</summary>
    public double StepGenerator()
    {
        var fake = _fake ?? throw new InvalidOperationException("GanStep.StepGenerator needs a generated batch: call Generate first.");
        foreach (var p in _generatorParameters) p.ZeroGradient();
        var logits = Discriminator.Forward(fake, training: true);
        var gradient = Tensor.Ensure(ref _gradient, logits.Shape);
        double cost = Loss.Compute(logits, Targets(ref _ones, logits.Shape, 1f), gradient);
        TopK?.Apply(logits.Span, gradient.Span);
        if (!double.IsFinite(cost)) throw new NeuralPipelines.Models.Training.TrainingDivergedException($"the generator's {Loss.Name} cost became {cost}");
        // δ at D's input is ∂C_G/∂G(z): the error that enters G's last layer. D is a fixed function here.
        Discriminator.SetParameterGradients(false);
        Tensor dFake;
        try { dFake = Discriminator.Backward(gradient); }
        finally { Discriminator.SetParameterGradients(true); }
        Generator.Backward(dFake);
        GeneratorOptimizer.Step(LearningRate);
        return cost;
    }

    private double DiscriminatorPass(Tensor images, bool isReal, out double meanProbability)
    {
        var logits = Discriminator.Forward(images, training: true);
        var gradient = Tensor.Ensure(ref _gradient, logits.Shape);
        var targets = isReal ? Targets(ref _realTargets, logits.Shape, _realTarget) : Targets(ref _zeros, logits.Shape, 0f);
        double cost = Loss.Compute(logits, targets, gradient);
        meanProbability = MeanSigmoid(logits.Span);
        Discriminator.Backward(gradient); // accumulates ∂C_D/∂θ_D; ∂C_D/∂x is dropped (G(z) detached)
        return cost;
    }

    /// <summary>A batch of targets all equal to <paramref name="value"/>, kept in <paramref name="t"/> and refilled only when
    /// the batch's shape changes.</summary>
    private static Tensor Targets(ref Tensor? t, ReadOnlySpan<int> shape, float value)
    {
        bool fresh = t is null || !t.ShapeEquals(shape);
        var targets = Tensor.Ensure(ref t, shape);
        if (fresh) targets.Span.Fill(value);
        return targets;
    }

    private static double MeanSigmoid(ReadOnlySpan<float> logits)
    {
        double sum = 0;
        foreach (float z in logits) sum += 1 / (1 + Math.Exp(-z));
        return sum / logits.Length;
    }

    private void SetInputGradient(bool wanted)
    {
        switch (_discriminatorInputLayer)
        {
            case Conv2d c: c.InputGradient = wanted; break;
            case Dense d: d.InputGradient = wanted; break;
        }
    }

    /// <summary>The layer that first sees D's input, when D is a plain chain of composites.</summary>
    private static Layer? FirstLeaf(Layer layer)
    {
        while (layer is Sequential && layer.Children.Count > 0) layer = layer.Children[0];
        return layer is Sequential ? null : layer;
    }
}
