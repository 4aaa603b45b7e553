using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Kernels;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Layers;

/// <summary>A fully connected layer: z = x·wᵀ + b, with w stored [outputs × inputs] as in Nielsen's w_jk.</summary>
[LayerKind("dense")]
public sealed class Dense : Layer
{
    private readonly Parameter _weight, _bias;
    private readonly Parameter[] _parameters;
    private Tensor? _input, _output, _inputGradient;

    /// <param name="rng">Draws the initial weights. Without one the layer draws from a new <c>Random(0)</c> (the trainer's seed
    /// does not reach it), so two layers of one shape start with equal weights: pass one <c>Random(seed)</c> to every layer.</param>
    public Dense(int inputs, int outputs, Initializer init = Initializer.Scaled, Random? rng = null)
    {
        if (inputs <= 0 || outputs <= 0) throw new ArgumentException($"Dense needs positive sizes, got {inputs}→{outputs}.");
        Inputs = inputs;
        Outputs = outputs;
        Init = init;
        rng ??= new Random(0);
        _weight = new Parameter("weight", new Tensor(outputs, inputs), decays: true);
        _bias = new Parameter("bias", new Tensor(outputs), decays: false);
        _parameters = [_weight, _bias];
        Initializers.Fill(_weight.Value.Span, init, inputs, outputs, rng);
        // Nielsen draws biases from N(0,1) too; ReLU nets start better at zero.
        if (init is Initializer.Normal or Initializer.Scaled) Initializers.FillNormal(_bias.Value.Span, 1.0, rng);
    }

    public Dense(LayerSpec spec)
        : this(spec.GetInt("inputs"), spec.GetInt("outputs"), Initializers.Parse(spec.GetString("init", "scaled")))
    {
        InputGradient = spec.GetBool("input_gradient", true);
    }

    public int Inputs { get; }
    public int Outputs { get; }
    public Initializer Init { get; }
    /// <summary>False for a network's first layer, whose ∂C/∂x nobody reads: backward then skips the wᵀδ product
    /// (a third of a dense layer's work per step) and returns zeros. Kept in the spec so a reloaded network keeps it.</summary>
    public bool InputGradient { get; set; } = true;

    public Parameter Weight => _weight;
    public Parameter Bias => _bias;

    // One cached array: the training step reads this every batch and must not allocate.
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    public override LayerSpec Spec
    {
        get
        {
            var spec = new LayerSpec("dense").With("inputs", Inputs).With("outputs", Outputs).With("init", Initializers.Name(Init));
            return InputGradient ? spec : spec.With("input_gradient", false);
        }
    }

    public override int[] OutputShape(ReadOnlySpan<int> inputShape)
    {
        // Int128: a shape read from a damaged file ([1, 1000000, 1000000]) overflows an int, and the message printed a
        // negative count (audit G6).
        Int128 n = 1;
        foreach (int d in inputShape) n *= d;
        if (n != Inputs)
            throw new ArgumentException($"Dense expects {Inputs} inputs per example but got shape {Tensor.ShapeText(inputShape)} ({n} values).");
        return [Outputs];
    }

    public override Tensor Forward(Tensor x, bool training)
    {
        int batch = x.Dim(0);
        if (x.ItemLength != Inputs)
            throw new ArgumentException($"Dense expects {Inputs} inputs per example but got a tensor of shape {Tensor.ShapeText(x.Shape)}.");
        _input = x;
        var y = Tensor.Ensure(ref _output, batch, Outputs);
        // z = x·wᵀ, then + b on each row.
        if (OneOutput)
        {
            // One output (a discriminator's logit): batch dot products of long rows, which a packed GEMM with a one-column
            // B spends its time packing (DCGAN's 6272→1 layer took 0.5 ms a call on one thread).
            y.Span.Clear();
            Im2ColProducts.Reduce(batch, 1, Inputs, x.Span, Inputs, _weight.Value.Span, Inputs, y.Span, 1);
        }
        else Gemm.Multiply(false, true, batch, Outputs, Inputs, x.Span, Inputs, _weight.Value.Span, Inputs, y.Span, Outputs);
        // Ranges of outputs go to both cores (G's 64×6272 first layer was a serial stretch between two products).
        Elementwise.ForColumns(Outputs, batch, (y, b: _bias.Value), static (t, s, c) =>
        {
            int n = t.y.Dim(0), f = t.y.Dim(1);
            var b = t.b.Span.Slice(s, c);
            for (int i = 0; i < n; i++)
            {
                var row = t.y.Span.Slice(i * f + s, c);
                TensorPrimitives.Add(row, b, row);
            }
        });
        return y;
    }

    public override Tensor Backward(Tensor dy)
    {
        var x = _input ?? throw new InvalidOperationException("Dense.Backward called before Forward.");
        CheckGradient(dy, _output!);
        int batch = x.Dim(0);
        // dy is δˡ, this layer's error (the activation after it has applied ⊙ σ'(z): BP1 or BP2).
        // BP4: ∂C/∂wˡⱼₖ = aˡ⁻¹ₖ δˡⱼ, summed over the batch: dw[out×in] += dyᵀ[out×batch]·x[batch×in].
        // BP3: ∂C/∂bˡⱼ = δˡⱼ, summed over the batch. Both skipped while the layer is a fixed function.
        if (ParameterGradients)
        {
            if (OneOutput) Im2ColProducts.Expand(1, Inputs, batch, dy.Span, batch, x.Span, Inputs, _weight.Gradient.Span, Inputs, accumulate: true);
            else Gemm.Multiply(true, false, Outputs, Inputs, batch, dy.Span, Outputs, x.Span, Inputs, _weight.Gradient.Span, Inputs, accumulate: true);
            // Σ over the batch, each output's rows in row order whichever core takes its range.
            Elementwise.ForColumns(Outputs, batch, (dy, db: _bias.Gradient), static (t, s, c) =>
            {
                int n = t.dy.Dim(0), f = t.dy.Dim(1);
                var db = t.db.Span.Slice(s, c);
                for (int i = 0; i < n; i++) TensorPrimitives.Add(db, t.dy.Span.Slice(i * f + s, c), db);
            });
        }
        // BP2's first half: (wˡ)ᵀδˡ, the error handed to the layer below (which multiplies by its σ'):
        // dx[batch×in] = dy[batch×out]·w[out×in].
        var dx = Tensor.Ensure(ref _inputGradient, x.Shape);
        if (!InputGradient)
        {
            dx.Clear();
            return dx;
        }
        if (OneOutput) Im2ColProducts.Expand(batch, Inputs, 1, dy.Span, 1, _weight.Value.Span, Inputs, dx.Span, Inputs);
        else Gemm.Multiply(false, false, batch, Inputs, Outputs, dy.Span, Outputs, _weight.Value.Span, Inputs, dx.Span, Inputs);
        return dx;
    }

    /// <summary>A layer with one output and a long input (the DCGAN discriminator's logit) takes the small-product
    /// kernels of <see cref="Im2ColProducts"/> instead of the packed GEMM (same values to rounding; the bits never depend on
    /// the threads). Where AVX2 and FMA are missing those kernels call the GEMM themselves.</summary>
    private bool OneOutput => Outputs == 1 && Inputs >= 256;
}
