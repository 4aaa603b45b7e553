namespace NeuralPipelines.Models.Kernels;

/// <summary>Sums over the team's products: how they were shared and how long the caller waited (Stopwatch ticks).</summary>
/// <remarks>What <c>race sgemm</c> reports to answer "did both threads run, and what did the caller wait for":
/// <see cref="CallerWaitTicks"/> is the time the caller spent on items another thread held (a packed step, the step
/// before on the same rows), <see cref="JoinTicks"/> the time it waited at the end for a partner still in an item.</remarks>
internal struct GemmTeamCounters
{
    /// <summary>Of <see cref="Calls"/>, those cut into column pieces (<see cref="GemmSchedule"/>).</summary>
    public long PieceCalls;
    public long Calls, CallsAlone, Items, CallerItems, CallerWaitTicks, JoinTicks, ElapsedTicks;
}
