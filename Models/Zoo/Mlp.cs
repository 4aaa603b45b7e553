using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;

namespace NeuralPipelines.Models.Zoo;

/// <summary>How to build a multilayer perceptron: layer sizes (input first, classes last), hidden activation, initialisation,
/// dropout on hidden layers, and the cost it will be trained with (which decides its output layer).</summary>
public sealed record MlpOptions(int[] Sizes, string Activation = "sigmoid", Initializer Init = Initializer.Scaled,
    float Dropout = 0f, CostKind Cost = CostKind.Quadratic, int Seed = 1);

/// <summary>Nielsen's network: Dense layers with an activation between them, e.g. [784, 30, 10].</summary>
public static class Mlp
{
    /// <summary>Builds the network. The output layer is chosen by the cost: the quadratic cost reads the activation's output
    /// (Nielsen ch. 1); cross-entropy and log-likelihood take the last Dense layer's logits and apply sigmoid or softmax
    /// themselves (see <see cref="CrossEntropyCost"/> for why).</summary>
    public static Sequential Build(MlpOptions o)
    {
        if (o.Sizes.Length < 2) throw new ArgumentException($"An MLP needs at least an input and an output size, got [{string.Join(",", o.Sizes)}].");
        if (o.Sizes.Any(s => s <= 0)) throw new ArgumentException($"Layer sizes must be positive, got [{string.Join(",", o.Sizes)}].");
        var loss = LossFunctions.Create(o.Cost);
        var rng = new Random(o.Seed);
        var layers = new List<Layer>();
        for (int i = 0; i + 1 < o.Sizes.Length; i++)
        {
            bool output = i + 2 == o.Sizes.Length;
            // The first layer's ∂C/∂x would be the gradient with respect to the pixels, which nothing reads.
            layers.Add(new Dense(o.Sizes[i], o.Sizes[i + 1], o.Init, rng) { InputGradient = i > 0 });
            if (!output)
            {
                layers.Add(Activations.Create(o.Activation));
                if (o.Dropout > 0) layers.Add(new Dropout(o.Dropout));
            }
            else if (loss.OutputActivation == OutputActivation.None)
                layers.Add(Activations.Create(o.Activation));
        }
        return new Sequential(layers);
    }

    /// <summary>Parses "784,30,10".</summary>
    public static int[] ParseSizes(string text)
    {
        try { return text.Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException) { throw new FormatException($"Layer sizes '{text}' should be comma-separated integers, e.g. 784,30,10."); }
    }
}
