-- Argo CD health check for kvswitch.io VirtualSwitch, VlanNetwork and MirrorSession.
--
-- Degraded:    a domain condition (VlanConflict, SwitchNotFound, PoolExhausted) is True.
-- Healthy:     Ready is True.
-- Progressing: no status yet, a status for an older generation, or Ready not (yet) True.
--
-- A status written for an older generation says nothing about the current spec, so it is
-- Progressing whatever its conditions say: a fixed VLAN conflict must not flash Degraded
-- until the operator has looked at the fix.

local hs = {}

local degrading = {
  VlanConflict = true,
  SwitchNotFound = true,
  PoolExhausted = true,
}

local function present(text)
  return text ~= nil and text ~= ""
end

local function explain(condition)
  if present(condition.message) then
    return condition.message
  end
  if present(condition.reason) then
    return condition.reason
  end
  return condition.type
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = obj.metadata.generation
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. generation
  return hs
end

local problems = {}
local ready = nil
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      ready = condition
    elseif degrading[condition.type] and condition.status == "True" then
      table.insert(problems, condition.type .. ": " .. explain(condition))
    end
  end
end

if #problems > 0 then
  hs.status = "Degraded"
  hs.message = table.concat(problems, "; ")
  return hs
end

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  if present(ready.message) then
    hs.message = ready.message
  else
    hs.message = "Ready"
  end
  return hs
end

hs.status = "Progressing"
hs.message = "Not ready: " .. explain(ready)
return hs
