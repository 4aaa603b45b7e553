using System.Globalization;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Zoo;

namespace NeuralPipelines.Models.Training.Recipes;

/// <summary>Builds a fresh classifier and its training state from a recipe and the user's choices: the one place that
/// assembles "MLP or zoo network + trainer options", used by <c>np train</c> and the ML.NET estimator alike.</summary>
public static class ClassifierSetup
{
    public static (ClassifierModel Model, TrainingState State) Start(string architecture, LabelledImages train, TrainingRecipe recipe,
        TrainingChoices choices, string[]? classLabels = null)
    {
        var cost = choices.Cost ?? recipe.Cost;
        float dropout = choices.Dropout ?? recipe.Dropout;
        // Checked here, not only by the Dropout layer: a rate that adds no layer (0, or NaN, which is not > 0) would
        // otherwise pass unseen into the checkpoint's recipe.
        if (!(dropout >= 0f && dropout < 1f)) throw new OptionRangeException("Dropout", "--dropout", $"must be in [0, 1), got {dropout}.");
        bool isMlp = architecture.Equals("mlp", StringComparison.OrdinalIgnoreCase);
        if (!isMlp) RefuseMlpOnlyChoices(architecture, choices);
        Layer network;
        if (isMlp)
        {
            CheckHiddenSizes(train.ImageLength, choices.Hidden, train.Classes);
            var shape = recipe.Mlp ?? TrainingRecipes.Mlp.Mlp!;
            string activation = choices.Activation ?? shape.Activation;
            // The recipe's initialisation belongs to its activation; another activation takes the one that suits it.
            var init = choices.Init ?? (activation == shape.Activation ? shape.Init : activation is "relu" or "leaky-relu" ? Initializer.He : Initializer.Scaled);
            network = Mlp.Build(new MlpOptions([train.ImageLength, .. choices.Hidden ?? shape.Hidden, train.Classes], activation, init, dropout, cost, choices.Seed));
        }
        else
            network = ModelZoo.Build(architecture, new ZooOptions(train.Channels, train.Height, train.Width, train.Classes, choices.Seed, dropout));

        classLabels ??= Enumerable.Range(0, train.Classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var normalization = choices.Normalize ? Normalization.Measure(train) : null;
        var model = new ClassifierModel(network, isMlp ? "mlp" : ModelZoo.Get(architecture).Name, [train.Channels, train.Height, train.Width],
            classLabels, cost, normalization);
        model.SetMetadata("recipe", recipe.Name);
        return (model, new TrainingState { Options = Options(recipe, choices) });
    }

    /// <summary>A zoo network has its own layers, activations and initialisation: a choice of them was silently ignored
    /// (audit L5), which is worse than refusing it.</summary>
    private static void RefuseMlpOnlyChoices(string architecture, TrainingChoices c)
    {
        var given = new List<(string Property, string Option)>();
        if (c.Hidden is not null) given.Add(("Hidden", "--layers"));
        if (c.Activation is not null) given.Add(("Activation", "--activation"));
        if (c.Init is not null) given.Add(("Init", "--init"));
        if (given.Count > 0)
            throw new OptionRangeException(string.Join(", ", given.Select(g => g.Property)), string.Join(", ", given.Select(g => g.Option)),
                $"{(given.Count == 1 ? "is an MLP option" : "are MLP options")}; {architecture} builds its own layers, so it cannot take {(given.Count == 1 ? "it" : "them")}.");
    }

    /// <summary>Hidden sizes must be positive, and each layer's weights must fit in one array: a size of 100,000,000 was
    /// refused deep in the tensor code as "Shape [100000000×784] has more than 2147483647 elements", naming no option.</summary>
    private static void CheckHiddenSizes(int inputs, int[]? hidden, int classes)
    {
        if (hidden is null) return;
        int[] sizes = [inputs, .. hidden, classes];
        string text = string.Join(",", sizes);
        if (hidden.Any(s => s <= 0)) throw new OptionRangeException("Hidden", "--layers", $"sizes must be positive, got {text}.");
        for (int i = 1; i < sizes.Length; i++)
            if ((long)sizes[i - 1] * sizes[i] > Array.MaxLength)
                throw new OptionRangeException("Hidden", "--layers", $"{text}: {sizes[i - 1]:N0}×{sizes[i]:N0} weights between two layers are more than one array holds ({Array.MaxLength:N0}).");
    }

    /// <summary>The recipe's trainer options with each chosen value in place of its own.</summary>
    public static TrainerOptions Options(TrainingRecipe recipe, TrainingChoices c)
    {
        var o = recipe.ToOptions(c.Seed);
        var augmentation = c.Augmentation ?? o.Augmentation;
        var kind = c.Optimizer ?? o.Optimizer.Kind;
        // The recipe's η belongs to its optimiser: Adam with an SGD rate would diverge, so a switch takes Adam's usual 10⁻³.
        float rate = c.LearningRate ?? (kind != o.Optimizer.Kind && kind == OptimizerKind.Adam ? 0.001f : o.LearningRate);
        return o with
        {
            Epochs = c.Epochs ?? o.Epochs,
            BatchSize = c.BatchSize ?? o.BatchSize,
            LearningRate = rate,
            Schedule = c.Schedule ?? o.Schedule,
            Optimizer = o.Optimizer with { Kind = kind, Momentum = c.Momentum ?? o.Optimizer.Momentum },
            L2 = c.L2 ?? o.L2,
            L1 = c.L1 ?? o.L1,
            Augmentation = augmentation is { IsIdentity: true } ? null : augmentation,
            Patience = c.Patience ?? o.Patience,
            EvaluateTrainingSet = c.EvaluateTrainingSet ?? o.EvaluateTrainingSet,
        };
    }
}
