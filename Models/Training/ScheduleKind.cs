namespace NeuralPipelines.Models.Training;

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public enum ScheduleKind
{
    Constant,
    /// <summary>× factor every k epochs.</summary>
    Step,
    /// <summary>Cosine annealing from the base rate towards zero over the run.</summary>
    Cosine,
}
